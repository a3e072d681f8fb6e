/** Packs public packages the way `pnpm publish` would, for the checks that read tarballs. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {import('./workspace.mjs').WorkspacePackage} pkg
 * @param {string} dir an empty folder for this package's tarball
 * @returns {string} the tarball's path
 */
export function packPackage(pkg, dir) {
  mkdirSync(dir, { recursive: true });
  const packed = spawnSync('pnpm', ['pack', '--pack-destination', dir], { cwd: pkg.dir, encoding: 'utf8' });
  const tarball = packed.status === 0 ? readdirSync(dir).find((file) => file.endsWith('.tgz')) : undefined;
  if (tarball === undefined) throw new Error(`pnpm pack ${pkg.name} failed: ${packed.stderr}`);
  return join(dir, tarball);
}
