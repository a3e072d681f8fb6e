#!/usr/bin/env node
/**
 * `pnpm version-packages`: `changeset version`, made right for a first release.
 *
 * - A public package at 0.0.0 has never been released. Its first release is
 *   0.1.0 whatever its changesets say (a patch changeset alone would make it
 *   0.0.1): a minor changeset is added for every such package before
 *   `changeset version` runs.
 * - Its first CHANGELOG reads as a first release: one "First release" entry
 *   with the package's description, then everything its changesets say as one
 *   list. "Minor/Patch Changes" headings and "Updated dependencies" lines would
 *   describe fixes to versions nobody ever installed.
 * - No changeset is left behind: private apps are versioned too (config
 *   `privatePackages.version`), and the script fails if any changeset survives.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, workspacePackages } from './workspace.mjs';

/** The summary of the changeset this script adds; its line is dropped from the CHANGELOG it makes. */
export const FIRST_RELEASE_MARKER = 'First release (added by version-packages).';
/** The version a package has until its first release. */
export const UNRELEASED_VERSION = '0.0.0';

/** @param {string} root */
function pendingChangesets(root) {
  return readdirSync(join(root, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
}

/**
 * Rewrites the CHANGELOG that `changeset version` made for a package's first
 * release: one section, the package's description, and the changesets' entries
 * as one list.
 * @param {string} changelog what changesets wrote
 * @param {string} version the first version (0.1.0)
 * @param {string} description the package's description
 * @returns {string}
 */
export function firstReleaseChangelog(changelog, version, description) {
  const [title = ''] = changelog.split('\n', 1);
  const start = changelog.indexOf(`\n## ${version}\n`);
  const rest = changelog.slice(start + `\n## ${version}\n`.length);
  const next = rest.search(/\n## /);
  const section = next === -1 ? rest : rest.slice(0, next);
  /** @type {string[]} */
  const entries = [];
  for (const line of section.split('\n')) {
    if (line.startsWith('### ') || line.trim() === '' && entries.length === 0) continue;
    if (line.startsWith('- ')) entries.push(line);
    else if (entries.length > 0) entries[entries.length - 1] += `\n${line}`;
  }
  const kept = entries
    .map((entry) => entry.replace(/\n+$/, ''))
    .filter((entry) => !entry.startsWith('- Updated dependencies') && !entry.includes(FIRST_RELEASE_MARKER));
  const body = [`${title}`, '', `## ${version}`, '', `First release. ${description}`.trim(), ''];
  if (kept.length > 0) body.push(...kept.join('\n').split('\n'), '');
  return body.join('\n');
}

/**
 * @param {{ root?: string, changesetBin?: string }} [options]
 * @returns {{ firstReleases: string[] }}
 */
export function versionPackages(options = {}) {
  const root = options.root ?? REPO_ROOT;
  const changesetBin = options.changesetBin ?? join(REPO_ROOT, 'node_modules', '.bin', 'changeset');
  const unreleased = workspacePackages(root).filter(
    (pkg) => pkg.isPublic && pkg.version === UNRELEASED_VERSION && !existsSync(join(pkg.dir, 'CHANGELOG.md')),
  );
  if (pendingChangesets(root).length === 0) {
    process.stdout.write('no changesets: nothing to version\n');
    return { firstReleases: [] };
  }
  if (unreleased.length > 0) {
    const header = unreleased.map((pkg) => `${JSON.stringify(pkg.name)}: minor`).join('\n');
    writeFileSync(join(root, '.changeset', `zz-first-release-${process.pid}.md`), `---\n${header}\n---\n\n${FIRST_RELEASE_MARKER}\n`);
  }
  const result = spawnSync(changesetBin, ['version'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`changeset version failed (exit ${result.status ?? result.signal})`);

  const after = new Map(workspacePackages(root).map((pkg) => [pkg.name, pkg]));
  for (const before of unreleased) {
    const pkg = after.get(before.name);
    if (pkg === undefined) continue;
    const changelogPath = join(pkg.dir, 'CHANGELOG.md');
    const written = readFileSync(changelogPath, 'utf8');
    writeFileSync(changelogPath, firstReleaseChangelog(written, pkg.version, String(pkg.manifest.description ?? '')));
  }
  const stranded = pendingChangesets(root);
  if (stranded.length > 0) {
    throw new Error(`changesets left after versioning (their packages were not versioned): ${stranded.join(', ')}`);
  }
  return { firstReleases: unreleased.map((pkg) => `${pkg.name}@${after.get(pkg.name)?.version ?? '?'}`) };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  try {
    const { firstReleases } = versionPackages();
    if (firstReleases.length > 0) process.stdout.write(`first releases: ${firstReleases.join(', ')}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
