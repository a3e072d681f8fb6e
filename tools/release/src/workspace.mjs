/**
 * The workspace's packages as the release sees them: every package.json under
 * the workspace globs, with whether it is published (not `private`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tools/release/src/workspace.mjs). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the repository lives: package.json `repository`, and absolute links in package READMEs. */
export const REPO_URL = 'https://github.com/twq-dev/twq';

/** The folders pnpm-workspace.yaml lists, each a `<folder>/*` glob. */
const WORKSPACE_FOLDERS = ['packages', 'apps', 'tools', 'examples'];

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name
 * @property {string} version
 * @property {string} dir absolute path
 * @property {string} relDir path from the repository root, with forward slashes
 * @property {boolean} isPublic published to the registry (not private)
 * @property {Record<string, any>} manifest the parsed package.json
 */

/**
 * @param {string} [root]
 * @returns {WorkspacePackage[]}
 */
export function workspacePackages(root = REPO_ROOT) {
  /** @type {WorkspacePackage[]} */
  const found = [];
  for (const folder of WORKSPACE_FOLDERS) {
    const base = join(root, folder);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const manifestPath = join(base, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      /** @type {Record<string, any>} */
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      found.push({
        name: String(manifest.name),
        version: String(manifest.version),
        dir: join(base, entry.name),
        relDir: `${folder}/${entry.name}`,
        isPublic: manifest.private !== true,
        manifest,
      });
    }
  }
  return found;
}

/** @param {string} [root] */
export function publicPackages(root = REPO_ROOT) {
  return workspacePackages(root).filter((pkg) => pkg.isPublic);
}
