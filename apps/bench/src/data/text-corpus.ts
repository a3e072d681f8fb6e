import { Prng } from './prng.js';

/**
 * Words of English prose, most frequent first. The corpus draws them with a
 * Zipf-like skew, so that a 4 KiB page compresses about as well as ordinary
 * English text does at zlib level 1 (roughly 2.5:1 on a page), without
 * shipping a corpus or reading files that differ between machines.
 */
const WORDS = (
  'the of and to a in is that it was for on are as with his they at be this from have or by one had not but ' +
  'what all were when we there can an your which their said if do will each about how up out them then she ' +
  'many some so these would other into has more her two like him see time could no make than first been its ' +
  'who now people my made over did down only way find use may water long little very after words called just ' +
  'where most know get through back much before go good new write our used me man too any day same right look ' +
  'think also around another came come work three word must because does part even place well such here take ' +
  'why things help put years different away again off went old number great tell men say small every found ' +
  'still between name should home big give air line set own under read last never us left end along while ' +
  'might next sound below saw something thought both few those always looked show large often together asked ' +
  'house world going want school important until form food keep children feet land side without boy once ' +
  'animals life enough took sometimes four head above kind began almost live page got earth need far hand ' +
  'high year mother light parts country father let night following picture being study second eyes soon ' +
  'times story boys since white days ever paper hard near sentence better best across during today others ' +
  'however sure means knew try told young miles sun ways thing whole hear example heard several change ' +
  'answer room sea against top turned learn point city play toward five using himself usually memory ' +
  'migration thread queue worker request compression guest page bitmap submitter batching latency'
).split(' ');

const PUNCTUATION = [', ', ', ', '; ', ': '];

/**
 * Fills `target` with pseudo-English prose: sentences of 4 to 20 words,
 * capitalised, with commas, and paragraphs. The same seed gives the same bytes.
 */
export function writeTextCorpus(target: Uint8Array, seed = 0x7e57): void {
  const prng = new Prng(seed);
  const encoder = new TextEncoder();
  const words = WORDS.map((w) => encoder.encode(w));
  const capitals = WORDS.map((w) => encoder.encode(w[0].toUpperCase() + w.slice(1)));
  const marks = PUNCTUATION.map((p) => encoder.encode(p));
  const space = encoder.encode(' ');
  const stop = encoder.encode('. ');
  const paragraph = encoder.encode('.\n\n');
  let at = 0;
  const put = (bytes: Uint8Array): void => {
    const n = Math.min(bytes.length, target.length - at);
    target.set(n === bytes.length ? bytes : bytes.subarray(0, n), at);
    at += n;
  };
  // Zipf-like pick: squaring a uniform number favours the first (frequent) words.
  const pick = (): number => {
    const u = prng.next() / 0x1_0000_0000;
    return Math.floor(u * u * words.length);
  };
  while (at < target.length) {
    const length = 4 + prng.below(17);
    for (let i = 0; i < length && at < target.length; i++) {
      const w = pick();
      put(i === 0 ? capitals[w] : words[w]);
      if (i + 1 < length) put(prng.below(9) === 0 ? marks[prng.below(marks.length)] : space);
    }
    put(prng.below(6) === 0 ? paragraph : stop);
  }
}
