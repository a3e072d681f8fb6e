// The benchmark's text corpus: generated, deterministic (seeded), cached in
// the temporary directory. Word salad with a Zipf-like word frequency, short
// sentences and lines: it compresses about 3:1 at level 6, as English prose
// does, and costs deflate about as much per byte.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bumped whenever the generator changes, so a stale cached corpus is not reused. */
const CORPUS_VERSION = 1;
const VOCABULARY = 20_000;
/** Exponent of the word-frequency law (1 is Zipf's; English is close). */
const ZIPF_EXPONENT = 1.07;
const SYLLABLES = ['ka', 'to', 'ri', 'ne', 'sa', 'mo', 'lu', 'pe', 'di', 'an', 'er', 'in', 'on', 'th', 'st', 'qu', 'ex', 'or', 'al', 've', 'ur', 'is', 'ch', 'pr'];
const LINE_WIDTH = 70;

function xorshift(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Generates `bytes` bytes of text into a Buffer. */
export function generateCorpus(bytes, seed = 0x9e3779b9) {
  const random = xorshift(seed);
  const words = [];
  for (let i = 0; i < VOCABULARY; i++) {
    let w = '';
    for (let n = 1 + Math.floor(random() * 3.5); n > 0; n--) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.push(w);
  }
  const cdf = new Float64Array(VOCABULARY);
  let total = 0;
  for (let i = 0; i < VOCABULARY; i++) cdf[i] = total += 1 / Math.pow(i + 1, ZIPF_EXPONENT);
  const pick = () => {
    const x = random() * total;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  };
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  while (at < bytes) {
    let line = '';
    let inSentence = 0;
    while (line.length < LINE_WIDTH) {
      let w = pick();
      if (inSentence === 0) w = w[0].toUpperCase() + w.slice(1);
      line += w;
      inSentence++;
      if (inSentence > 6 && random() < 0.15) {
        line += '. ';
        inSentence = 0;
      } else line += random() < 0.05 ? ', ' : ' ';
    }
    at += out.write(line + '\n', at);
  }
  return out;
}

/** The path of a cached corpus of `bytes` bytes, generated first if missing. */
export function corpusFile(bytes) {
  const dir = join(tmpdir(), 'twq-gzip-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `corpus-v${CORPUS_VERSION}-${bytes}.txt`);
  if (!existsSync(file) || statSync(file).size !== bytes) {
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, generateCorpus(bytes));
    renameSync(partial, file);
  }
  return file;
}
