// What the registry page and a consumer see of each public package: the
// metadata fields, a LICENSE beside it (npm packs it whatever `files` says),
// README links that work off the repository, an exports map that require()
// can use, and the "type": "module" note beside the README's examples.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT, REPO_URL, publicPackages } from '../src/workspace.mjs';

const packages = publicPackages();

test('the public packages are the ones the README lists', () => {
  const names = packages.map((pkg) => pkg.name);
  for (const name of ['@twq/bitmap', '@twq/event', '@twq/core', '@twq/node', '@twq/browser', '@twq/compress']) {
    expect(names).toContain(name);
  }
});

test('a root LICENSE, MIT', () => {
  expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
});

describe.each(packages.map((pkg) => [pkg.name, pkg]))('%s', (_name, pkg) => {
  const m = pkg.manifest;

  test('registry metadata: license, author, repository with its directory, homepage, bugs, keywords, public access', () => {
    expect(m.license).toBe('MIT');
    expect(typeof m.author).toBe('string');
    expect(m.repository).toEqual({ type: 'git', url: `git+${REPO_URL}.git`, directory: pkg.relDir });
    expect(m.homepage).toBe(`${REPO_URL}/tree/main/${pkg.relDir}#readme`);
    expect(m.bugs).toEqual({ url: `${REPO_URL}/issues` });
    expect(m.keywords).toEqual(expect.arrayContaining(['twq']));
    expect(m.publishConfig).toMatchObject({ access: 'public' });
    expect(typeof m.description).toBe('string');
  });

  test('its own LICENSE, the root one (packed whatever `files` lists)', () => {
    expect(readFileSync(join(pkg.dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'));
  });

  test('README links are absolute: relative ones break on the registry page', () => {
    const readme = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]).filter((target) => !/^([a-z]+:|#)/.test(target ?? ''));
    expect(relative).toEqual([]);
  });

  test('every exports entry that has an import condition has a default beside it (require() on Node >= 20.19)', () => {
    /** @param {unknown} node @param {string} where */
    const visit = (node, where) => {
      if (typeof node !== 'object' || node === null) return;
      const entry = /** @type {Record<string, unknown>} */ (node);
      if ('import' in entry) expect({ where, default: entry.default }).toEqual({ where, default: entry.import });
      for (const [key, value] of Object.entries(entry)) visit(value, `${where} > ${key}`);
    };
    visit(m.exports, 'exports');
  });

  test.runIf(existsSync(join(pkg.dir, 'dist')))('require() loads every entry point, by the package name', () => {
    const subpaths = Object.keys(m.exports ?? {}).filter((key) => key !== './package.json' && !key.includes('*'));
    const script = subpaths
      .map((sub) => `if (Object.keys(require(${JSON.stringify(pkg.name + sub.slice(1))})).length === 0) throw new Error('empty: ${sub}');`)
      .join('\n');
    // Self-reference: inside its own folder, a package's name resolves through its exports map.
    const result = spawnSync(process.execPath, ['--no-warnings', '-e', script], { cwd: pkg.dir, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test.runIf(m.exports !== undefined && existsSync(join(pkg.dir, 'README.md')) && /## Smallest real use/.test(readFileSync(join(pkg.dir, 'README.md'), 'utf8')))(
    'the README says the examples need "type": "module"',
    () => {
      expect(readFileSync(join(pkg.dir, 'README.md'), 'utf8')).toContain('"type": "module"');
    },
  );
});
