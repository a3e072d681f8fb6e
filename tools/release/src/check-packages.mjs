#!/usr/bin/env node
/**
 * `pnpm check:packages`: publint --strict and @arethetypeswrong/cli over every
 * public package, on the tarball each would publish (both pack it first).
 *
 * attw runs with the `esm-only` profile: the packages are ES modules only, by
 * design. That profile leaves out two resolutions: `node10` (TypeScript's
 * legacy resolution, which knows no `exports` map and so no subpath such as
 * `@twq/browser/worker`; deprecated in TypeScript 6) and `node16 (from CJS)`
 * (a CommonJS file that `require`s the package: TypeScript's node16 mode
 * models that as an error, while Node.js >= 20.19 loads ES modules through
 * require() given the `default` condition every entry has, which the metadata
 * test checks by running require() on every entry point).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPackage } from './pack.mjs';
import { REPO_ROOT, publicPackages } from './workspace.mjs';

/** @param {string} name */
const bin = (name) => join(REPO_ROOT, 'node_modules', '.bin', name);
/** @type {string[]} */
const failed = [];
const packs = mkdtempSync(join(tmpdir(), 'twq-packs-'));
for (const pkg of publicPackages()) {
  // One tarball per package, what `pnpm publish` would send: both tools read it.
  let tarball;
  try {
    tarball = packPackage(pkg, join(packs, pkg.relDir.replace('/', '-')));
  } catch (error) {
    failed.push(error instanceof Error ? error.message : String(error));
    continue;
  }
  const listing = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
  for (const file of ['package/LICENSE', 'package/README.md', 'package/package.json']) {
    if (!listing.includes(file)) failed.push(`${pkg.name}: ${file} is not in the tarball`);
  }
  /** @type {[string, string[]][]} */
  const checks = [
    ['publint', ['run', tarball, '--strict']],
    ['attw', [tarball, '--profile', 'esm-only', '--format', 'ascii']],
  ];
  for (const [tool, args] of checks) {
    process.stdout.write(`== ${tool} ${pkg.name}\n`);
    const result = spawnSync(bin(tool), args, { cwd: pkg.dir, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    if (result.status !== 0) failed.push(`${tool} ${pkg.name}`);
  }
}
rmSync(packs, { recursive: true, force: true });
if (failed.length > 0) {
  process.stderr.write(`package checks failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write('== publint --strict and attw (esm-only) clean for every public package\n');
