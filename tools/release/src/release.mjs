#!/usr/bin/env node
/**
 * `pnpm release`: builds, then `changeset publish` to the configured registry.
 *
 * - Refuses a dirty tree: `changeset publish` tags the commit it publishes, so
 *   the versions and CHANGELOGs (`pnpm version-packages`) must be committed
 *   first, and a tag can only name what was published.
 * - Refuses changesets not yet applied (the versions would not include them).
 * - Publishes to the registry configured the usual way: `pnpm_config_registry`,
 *   `npm_config_registry`, or the `registry` of .npmrc (`pnpm config get
 *   registry`). pnpm 12's publish reads only the first of these: the variable
 *   a user set is passed on under both names, so no package goes elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, publicPackages } from './workspace.mjs';

/**
 * @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} env
 * @returns {string}
 */
function output(command, args, env) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} env */
function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** @param {string} registry */
function withSlash(registry) {
  return registry.endsWith('/') ? registry : `${registry}/`;
}

function release() {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
  const dirty = output('git', ['status', '--porcelain'], env);
  if (dirty !== '') {
    throw new Error(`the working tree has uncommitted changes; commit them (the versions from \`pnpm version-packages\` included) before a release, which tags the commit:\n${dirty}`);
  }
  const pending = readdirSync(join(REPO_ROOT, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
  if (pending.length > 0) {
    throw new Error(`changesets not yet applied: ${pending.join(', ')}; run \`pnpm version-packages\` and commit first`);
  }
  const configured = env.pnpm_config_registry ?? env.npm_config_registry ?? output('pnpm', ['config', 'get', 'registry'], env);
  const registry = withSlash(configured);
  env.pnpm_config_registry = registry;
  env.npm_config_registry = registry;
  process.stdout.write(`== publishing to ${registry}\n`);
  // The public packages (their dependencies build first: ^build); nothing else is published.
  const filters = publicPackages().map((pkg) => `--filter=${pkg.name}`);
  run(join(REPO_ROOT, 'node_modules', '.bin', 'turbo'), ['run', 'build', ...filters], env);
  run(join(REPO_ROOT, 'node_modules', '.bin', 'changeset'), ['publish'], env);
  const after = output('git', ['status', '--porcelain'], env);
  if (after !== '') throw new Error(`the release left the tree dirty:\n${after}`);
}

try {
  release();
} catch (error) {
  process.stderr.write(`release: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
