// The rehearsal runs each public package's "Smallest real use" from a fresh
// project: here, that every such README yields something to run, and the
// parsing rules on a small README.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { smallestRealUse } from '../src/readme-snippets.mjs';
import { publicPackages } from '../src/workspace.mjs';

test('named blocks are files, the file nothing imports is the entry, config files are not entries', () => {
  const readme = [
    '# x', '', '## Smallest real use (Vite)', '', 'Text.', '',
    '```js', "// ops.js: the ops", 'export const ops = 1;', '```', '',
    '```js', '// main.js', "import { ops } from './ops.js';", 'console.log(ops); // 1', '```', '',
    '```js', '// vite.config.js', 'export default {};', '```', '',
    '## API', '', '```js', '// not-this.js', '```', '',
  ].join('\n');
  const snippets = smallestRealUse(readme);
  expect([...(snippets?.files.keys() ?? [])]).toEqual(['ops.js', 'main.js', 'vite.config.js']);
  expect(snippets?.entries).toEqual(['main.js']);
  expect(snippets?.expected.get('main.js')).toEqual(['1']);
});

test('unnamed js blocks are numbered snippets, sh blocks are commands, no section is undefined', () => {
  const snippets = smallestRealUse('## Smallest real use\n\n```js\nconsole.log(2);\n```\n\n```sh\nnpx tool --help\n```\n');
  expect(snippets?.entries).toEqual(['snippet-1.mjs']);
  expect(snippets?.commands).toEqual(['npx tool --help\n']);
  expect(smallestRealUse('# nothing here\n')).toBeUndefined();
});

test.each(publicPackages().map((pkg) => [pkg.name, pkg.dir]))('%s: its README has a Smallest real use with something to run', (_name, dir) => {
  const readme = join(dir, 'README.md');
  expect(existsSync(readme)).toBe(true);
  const snippets = smallestRealUse(readFileSync(readme, 'utf8'));
  expect(snippets).toBeDefined();
  expect((snippets?.entries.length ?? 0) + (snippets?.commands.length ?? 0)).toBeGreaterThan(0);
});
