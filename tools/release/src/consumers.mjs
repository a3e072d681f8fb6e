#!/usr/bin/env node
/**
 * `pnpm test:consumers`: type-checks the projects in tools/release/consumers/
 * (skipLibCheck false; moduleResolution node16 and bundler; with and without
 * the DOM library and @types/node) against the packages as a user installs
 * them: the tarballs `pnpm publish` would send, installed by npm into a
 * temporary project. The projects without @types/node run before it is
 * installed there, so nothing can resolve it behind their back.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packPackage } from './pack.mjs';
import { REPO_ROOT, publicPackages } from './workspace.mjs';

const consumers = fileURLToPath(new URL('../consumers/', import.meta.url));
const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const typescript = `typescript@${root.devDependencies.typescript}`;
const typesNode = `@types/node@${root.devDependencies['@types/node']}`;

/** @param {string} command @param {string[]} args @param {string} cwd */
function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

const work = mkdtempSync(join(tmpdir(), 'twq-consumers-'));
/** @type {string[]} */
const failed = [];
try {
  run('pnpm', ['run', 'build'], REPO_ROOT);
  const tarballs = publicPackages().map((pkg) => packPackage(pkg, join(work, 'packs', pkg.relDir.replace('/', '-'))));
  const project = join(work, 'project');
  cpSync(consumers, project, { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'twq-consumers', private: true, type: 'module' }, null, 2)}\n`);
  const install = (/** @type {string[]} */ specs) => {
    const result = run('npm', ['install', '--no-audit', '--no-fund', '--save-dev', ...specs], project);
    if (!result.ok) throw new Error(`npm install ${specs.join(' ')} failed:\n${result.output}`);
  };
  install([...tarballs, typescript]);
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  const configs = readdirSync(consumers, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name !== 'shared').map((entry) => entry.name);
  /** @param {string} config */
  const usesNodeTypes = (config) => JSON.parse(readFileSync(join(consumers, config, 'tsconfig.json'), 'utf8')).compilerOptions.types.includes('node');
  for (const withNode of [false, true]) {
    if (withNode) install([typesNode]);
    for (const config of configs.filter((name) => usesNodeTypes(name) === withNode)) {
      const result = run(process.execPath, [tsc, '-p', join(project, config, 'tsconfig.json')], project);
      process.stdout.write(`== ${config}: ${result.ok ? 'ok' : 'FAILED'}\n${result.ok ? '' : `${result.output}\n`}`);
      if (!result.ok) failed.push(config);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failed.length > 0) {
  process.stderr.write(`consumer type-checks failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
