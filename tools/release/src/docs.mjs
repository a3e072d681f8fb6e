#!/usr/bin/env node
/**
 * `pnpm docs:api`: the API reference of every public package (TypeDoc, one site,
 * docs/api/), after building them (TypeDoc maps each package's exports map
 * back to its sources through the build's source maps). Validation is an
 * error (typedoc.json): an undocumented export, a broken {@link} or a type
 * referenced but not exported stops it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, publicPackages } from './workspace.mjs';

const packages = publicPackages();
/** @param {string} command @param {string[]} args */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
run(join(REPO_ROOT, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only', ...packages.map((pkg) => `--filter=${pkg.name}`)]);
run(join(REPO_ROOT, 'node_modules', '.bin', 'typedoc'), packages.flatMap((pkg) => ['--entryPoints', pkg.relDir]));
process.stdout.write(`API reference of ${packages.map((pkg) => pkg.name).join(', ')}: docs/api/index.html\n`);
