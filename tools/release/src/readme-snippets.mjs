/**
 * A package README's "Smallest real use", as files to run: the code blocks of
 * that section. A block whose first line is a comment naming a file
 * (`// hash-ops.js: ...`) is that file; other `js` blocks are numbered
 * snippets, and `sh` blocks are commands. Entry points are the files no other
 * block imports (a config file such as vite.config.js is none).
 */

/** The heading the rehearsal looks for (any text may follow it, e.g. "(Vite)"). */
export const SECTION_HEADING = '## Smallest real use';

/**
 * @typedef {object} Snippets
 * @property {Map<string, string>} files file name → source (named and numbered js blocks)
 * @property {string[]} entries the js files to run, in README order
 * @property {string[]} commands the sh blocks, in README order
 * @property {Map<string, string[]>} expected entry → text its output must contain
 *   (from `console.log(...); // text` comments)
 */

/**
 * @param {string} readme the README's text
 * @returns {Snippets | undefined} undefined when the README has no such section
 */
export function smallestRealUse(readme) {
  const start = readme.search(new RegExp(`^${SECTION_HEADING}`, 'm'));
  if (start === -1) return undefined;
  const afterHeading = readme.indexOf('\n', start) + 1;
  const end = readme.slice(afterHeading).search(/^## /m);
  const section = end === -1 ? readme.slice(afterHeading) : readme.slice(afterHeading, afterHeading + end);
  /** @type {Map<string, string>} */
  const files = new Map();
  /** @type {string[]} */
  const commands = [];
  /** @type {string[]} */
  const order = [];
  let numbered = 0;
  for (const match of section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    const [, lang = '', body = ''] = match;
    if (lang === 'sh' || lang === 'bash') {
      commands.push(body);
      continue;
    }
    if (lang !== 'js' && lang !== 'ts') continue;
    const named = /^\/\/ ([\w.-]+\.m?js)\b/.exec(body);
    const name = named?.[1] ?? `snippet-${++numbered}.mjs`;
    files.set(name, body);
    order.push(name);
  }
  const imported = new Set();
  for (const source of files.values()) {
    for (const spec of source.matchAll(/(?:from|import\(|new URL\()\s*'\.\/([\w.-]+)'/g)) imported.add(spec[1]);
  }
  const entries = order.filter((name) => !imported.has(name) && !/\.config\.m?js$/.test(name));
  /** @type {Map<string, string[]>} */
  const expected = new Map();
  for (const name of entries) {
    const texts = [...(files.get(name) ?? '').matchAll(/console\.log\(.*\);?\s*\/\/\s*(.+)$/gm)].map((m) => (m[1] ?? '').trim());
    expected.set(name, texts);
  }
  return { files, entries, commands, expected };
}
