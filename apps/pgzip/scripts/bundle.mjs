#!/usr/bin/env node
// Bundles the built twq-gzip (dist/) into bundle/, the command that ships.
//
// Why: a gzip run pays Node's start-up, then the loading of every module of
// the command, @twq/compress, @twq/node, @twq/core, @twq/event and
// @twq/bitmap (about 60 files: 45 ms on the main thread), then again in each
// worker thread. Bundled, the main thread loads one file and shared chunks
// (about 10 ms), the workers a few. On a 100 MiB file at -1 that is the
// difference pigz does not pay; see the README's "Start-up".
//
// Rolldown (Vite's bundler) rather than a hand-made concatenation: it keeps
// ES modules, splits the code shared by the entries into chunks (one copy of
// @twq/core per thread, shared by the worker entry and the ops module it
// imports), and leaves `new URL('./x.js', import.meta.url)` alone. That last
// point is what makes this work: @twq/node finds its supervisor and worker
// entries, and @twq/compress its ops modules, next to the module that names
// them. So those modules are entries here too, under the same relative
// names, at the top of bundle/ where the command's code lands.
import { builtinModules } from 'node:module';
import { existsSync } from 'node:fs';
import { chmod, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url));
// The built modules of the workspace packages, beside their entry points as this package resolves them.
const besideEntry = (specifier, file) => fileURLToPath(new URL(file, import.meta.resolve(specifier)));
const nodeDist = (file) => besideEntry('@twq/node', file);
const compressDist = (file) => besideEntry('@twq/compress', file);

const outDir = here('../bundle');
await rm(outDir, { recursive: true, force: true });

const bundle = await rolldown({
  input: {
    cli: here('../dist/cli.js'),
    // The package's library entry (main, parseCli, ...): the same code, no dependency either.
    index: here('../dist/index.js'),
    // Found by @twq/node through new URL('./supervisor-entry.js', import.meta.url), and so on.
    'supervisor-entry': nodeDist('supervisor-entry.js'),
    'worker-entry': nodeDist('worker-entry.js'),
    'gzip/node-block-ops': compressDist('gzip/node-block-ops.js'),
    'pages/node-page-ops': compressDist('pages/node-page-ops.js'),
  },
  platform: 'node',
  // Everything is inlined, cli-progress too (in a chunk of its own, loaded by a
  // dynamic import only for a progress bar on a terminal): the published
  // package declares no dependency, and `npm i -g` needs nothing but Node.
  logLevel: 'warn',
});
try {
  await bundle.write({
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    // Beside the entries: a chunk that names a module by URL finds it at the same place.
    chunkFileNames: '[name]-[hash].js',
  });
} finally {
  await bundle.close();
}

await chmod(join(outDir, 'cli.js'), 0o755);

// Every module named by URL in the bundle must be there: a missing one would
// only fail when a worker starts.
const named = /(?:new URL|builtModuleUrl)\(\s*["'](\.{1,2}\/[^"']+\.js)["']\s*,\s*import\.meta\.url/g;
const missing = [];
for (const file of await readdir(outDir, { recursive: true })) {
  if (!file.endsWith('.js')) continue;
  const path = join(outDir, file);
  for (const [, relative] of (await readFile(path, 'utf8')).matchAll(named)) {
    if (!existsSync(join(dirname(path), relative))) missing.push(`${file} names ${relative}`);
  }
}
// What the package declares must be what the bundle imports: Node's built-in
// modules only, since every dependency is inlined (and declares none).
const manifest = JSON.parse(await readFile(here('../package.json'), 'utf8'));
const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }));
const imported = /(?:\bimport\s*(?:[\w*{}\s,$]+from\s*)?|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g;
const undeclared = new Set();
const used = new Set();
for (const file of await readdir(outDir, { recursive: true })) {
  if (!file.endsWith('.js')) continue;
  for (const [, specifier] of (await readFile(join(outDir, file), 'utf8')).matchAll(imported)) {
    if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
    used.add(name);
    if (!declared.has(name)) undeclared.add(`${file} imports ${specifier}`);
  }
}
const unused = [...declared].filter((name) => !used.has(name));
if (undeclared.size > 0 || unused.length > 0) {
  console.error(`bundle: package.json's dependencies do not match the bundle's imports:\n  ${[...undeclared, ...unused.map((n) => `${n} is declared but not imported`)].join('\n  ')}`);
  process.exit(1);
}

if (missing.length > 0) {
  console.error(`bundle: modules named by URL are missing from ${outDir}:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
