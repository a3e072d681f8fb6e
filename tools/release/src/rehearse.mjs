#!/usr/bin/env node
/**
 * `pnpm release:rehearse`: the whole release, for real, against a local
 * registry, in a temporary clone of the committed tree (HEAD).
 *
 * 1. `pnpm version-packages` (changeset version, first releases at 0.1.0),
 *    committed, then checks that no changeset is left.
 * 2. Verdaccio on 127.0.0.1 (a free port, storage in the temporary folder, no
 *    uplink: nothing published there can come from or go anywhere else).
 * 3. `pnpm release` with only `npm_config_registry` pointing at it, the way a
 *    user configures npm: every public package must then be on Verdaccio at its
 *    new version, tagged in git, on a clean tree.
 * 4. A fresh npm project installs every public package by name (the `@twq`
 *    scope from Verdaccio, everything else from the usual registry), require()s
 *    and imports each entry point, and runs each README's "Smallest real use"
 *    as a user would copy it (the browser one built by Vite and run in headless
 *    Chromium).
 * 5. Each project in examples/ (in the clone, its workspace links removed) with
 *    its `workspace:` dependencies replaced by the published versions: npm
 *    install, npm test.
 *
 * `--keep` leaves the temporary folder in place to look at.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { smallestRealUse } from './readme-snippets.mjs';
import { ensureSystemTool } from './system-deps.mjs';
import { REPO_ROOT, publicPackages } from './workspace.mjs';

const keep = process.argv.includes('--keep');
const started = Date.now();
/** @param {string} message */
const step = (message) => process.stdout.write(`== rehearsal: ${message} (${Math.round((Date.now() - started) / 1000)}s)\n`);

/**
 * Runs a command; throws with its output when it fails.
 * @param {string} command @param {string[]} args
 * @param {{ cwd: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, quiet?: boolean }} options
 * @returns {string} stdout
 */
function run(command, args, options) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 600_000,
    stdio: options.quiet === false ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? (result.signal !== null ? `killed by ${result.signal}` : `exit ${result.status}`);
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) failed: ${why}\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result.stdout ?? '';
}

/**
 * fetch, tried again once: this process blocks in spawnSync for minutes, so a
 * kept-alive socket the registry has since closed is only found dead on use (EPIPE).
 * @param {string} url @param {RequestInit} [init]
 */
async function fetchRetry(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

/** @returns {Promise<number>} a port free on 127.0.0.1 now */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {string} url
 * @param {number} timeoutMs
 */
async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last})`);
}

/**
 * Verdaccio with its storage, users and config in `dir`, on 127.0.0.1.
 * @param {string} dir
 */
async function startRegistry(dir) {
  const port = await freePort();
  const registry = `http://127.0.0.1:${port}/`;
  mkdirSync(join(dir, 'storage'), { recursive: true });
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'storage: ./storage',
      'auth:',
      '  htpasswd:',
      '    file: ./htpasswd',
      '    max_users: 10',
      // One user, on 127.0.0.1, for minutes: bcrypt's cost on every request would only slow installs.
      '    algorithm: sha1',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const bin = join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  // Its output goes to a file, not a pipe: this process blocks in spawnSync for
  // minutes at a time, and a full pipe would stall the registry.
  const logPath = join(dir, 'verdaccio.log');
  const logFd = openSync(logPath, 'w');
  const child = spawn(process.execPath, [bin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const log = () => readFileSync(logPath, 'utf8');
  try {
    await waitForHttp(`${registry}-/ping`, 60_000);
  } catch (error) {
    child.kill();
    throw new Error(`Verdaccio did not start: ${error instanceof Error ? error.message : String(error)}\n${log()}`, { cause: error });
  }
  // A user for publishing: the couchdb-style sign-up npm adduser makes.
  const response = await fetchRetry(`${registry}-/user/org.couchdb.user:rehearsal`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'rehearsal', password: 'rehearsal-password', email: 'rehearsal@localhost', type: 'user' }),
  });
  const { token } = /** @type {{ token?: string }} */ (await response.json());
  if (!response.ok || token === undefined) throw new Error(`Verdaccio refused the rehearsal user: HTTP ${response.status}`);
  return { registry, token, stop: () => child.kill(), log, exited: () => child.exitCode ?? child.signalCode };
}

/**
 * @param {string} registry
 * @param {string} name
 * @returns {Promise<string[]>} the versions the registry holds
 */
async function publishedVersions(registry, name) {
  const response = await fetchRetry(`${registry}${name.replace('/', '%2f')}`);
  if (response.status === 404) return [];
  const document = /** @type {{ versions?: Record<string, unknown> }} */ (await response.json());
  return Object.keys(document.versions ?? {});
}

/**
 * Runs a README's "Smallest real use" in `dir`, inside the consumer project.
 * @param {string} name the package
 * @param {string} readme the README as published
 * @param {string} dir
 * @param {NodeJS.ProcessEnv} env
 */
async function runSmallestRealUse(name, readme, dir, env) {
  const snippets = smallestRealUse(readme);
  if (snippets === undefined) throw new Error(`${name}: its README has no "Smallest real use" section`);
  mkdirSync(dir, { recursive: true });
  for (const [file, source] of snippets.files) writeFileSync(join(dir, file), source);
  // Inputs a README's commands name: a file to compress.
  writeFileSync(join(dir, 'big.log'), Array.from({ length: 40_000 }, (_, i) => `line ${i}: twq rehearsal ${(i * 2654435761) % 1000}\n`).join(''));
  for (const command of snippets.commands) run('bash', ['-euo', 'pipefail', '-c', command], { cwd: dir, env, timeoutMs: 300_000 });
  if (snippets.files.has('vite.config.js')) {
    await runInBrowser(name, snippets, dir, env);
  } else {
    for (const entry of snippets.entries) {
      const out = run(process.execPath, [entry], { cwd: dir, env, timeoutMs: 300_000 });
      for (const text of snippets.expected.get(entry) ?? []) {
        if (!out.includes(text)) throw new Error(`${name}: ${entry} printed ${JSON.stringify(out)}, without ${JSON.stringify(text)}`);
      }
      process.stdout.write(`   ${name} ${entry}: ${out.trim().split('\n').join(' | ')}\n`);
    }
  }
  // Whatever the snippets gzipped must gunzip to what they read.
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.gz'))) {
    const original = readFileSync(join(dir, file.slice(0, -3)));
    if (!gunzipSync(readFileSync(join(dir, file))).equals(original)) throw new Error(`${name}: ${file} does not gunzip to ${file.slice(0, -3)}`);
    process.stdout.write(`   ${name}: ${file} gunzips to ${file.slice(0, -3)} (${original.length} bytes)\n`);
  }
}

/**
 * The browser README: `vite build` of its files with an index.html that loads
 * the entry, `vite preview` (its config sends the isolation headers), and the
 * page in headless Chromium, which must log the result and no error.
 * @param {string} name
 * @param {import('./readme-snippets.mjs').Snippets} snippets
 * @param {string} dir
 * @param {NodeJS.ProcessEnv} env
 */
async function runInBrowser(name, snippets, dir, env) {
  const entry = snippets.entries[0];
  if (entry === undefined) throw new Error(`${name}: no entry file in the README's Vite example`);
  writeFileSync(join(dir, 'index.html'), `<!doctype html>\n<title>rehearsal</title>\n<script type="module" src="./${entry}"></script>\n`);
  const vite = join(dir, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js');
  run(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: dir, env });
  const port = await freePort();
  const preview = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: dir, env, stdio: 'ignore' });
  const { chromium } = await import(join(dir, '..', '..', 'node_modules', 'playwright-core', 'index.mjs'));
  const browser = await chromium.launch({
    executablePath: ensureSystemTool('chromium', { env }),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 120_000);
    const page = await browser.newPage();
    // Every console.log the entry's README comments promise (`console.log(x); // text`), in
    // order; the page's first error fails it.
    const expected = snippets.expected.get(entry) ?? [];
    if (expected.length === 0) throw new Error(`${name}: ${entry} in the README promises no output (a // comment after a console.log)`);
    /** @type {string[]} */
    const logs = [];
    const done = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: after 120 s the page had logged ${JSON.stringify(logs)}, expected ${JSON.stringify(expected)}`)), 120_000);
      page.on('pageerror', (/** @type {Error} */ error) => {
        clearTimeout(timer);
        reject(new Error(`${name}: the page threw: ${error.message}`));
      });
      page.on('console', (/** @type {{ type(): string, text(): string }} */ message) => {
        if (message.type() !== 'log') return;
        logs.push(message.text());
        if (logs.length === expected.length) {
          clearTimeout(timer);
          resolve(undefined);
        }
      });
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await done;
    const isolated = await page.evaluate('crossOriginIsolated');
    const text = logs.join(' | ');
    if (isolated !== true || logs.some((log, i) => !log.includes(expected[i] ?? ''))) {
      throw new Error(`${name}: the page logged ${JSON.stringify(logs)} (expected ${JSON.stringify(expected)}), crossOriginIsolated ${isolated}`);
    }
    process.stdout.write(`   ${name} ${entry} in Chromium: ${text}\n`);
  } finally {
    await browser.close();
    preview.kill();
  }
}

async function rehearse() {
  const work = mkdtempSync(join(tmpdir(), 'twq-rehearsal-'));
  const clone = join(work, 'repo');
  /** @type {{ stop(): void, log(): string, exited(): number | string | null } | undefined} */
  let server;
  try {
    step(`clone of HEAD in ${clone}`);
    if (run('git', ['status', '--porcelain'], { cwd: REPO_ROOT }).trim() !== '') {
      process.stdout.write('   (uncommitted changes in the working tree are not part of the rehearsal)\n');
    }
    run('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone], { cwd: work });
    run('git', ['config', 'user.name', 'twq release rehearsal'], { cwd: clone });
    run('git', ['config', 'user.email', 'rehearsal@localhost'], { cwd: clone });
    // No registry setting inherited: the rehearsal sets the one it means.
    /** @type {NodeJS.ProcessEnv} */
    const cleanEnv = Object.fromEntries(Object.entries({ ...process.env, TURBO_TELEMETRY_DISABLED: '1' }).filter(([key]) => !/^(p?npm_config_registry|NPM_CONFIG_REGISTRY)$/.test(key)));
    run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: clone, env: cleanEnv });

    step('pnpm version-packages');
    const before = new Map(publicPackages(clone).map((pkg) => [pkg.name, pkg.version]));
    run('pnpm', ['run', 'version-packages'], { cwd: clone, env: cleanEnv });
    const released = publicPackages(clone);
    for (const pkg of released) {
      const wasUnreleased = before.get(pkg.name) === '0.0.0';
      if (wasUnreleased && pkg.version !== '0.1.0') throw new Error(`${pkg.name}: first release is ${pkg.version}, not 0.1.0`);
      const changelog = readFileSync(join(pkg.dir, 'CHANGELOG.md'), 'utf8');
      if (wasUnreleased && (!changelog.includes('First release.') || /### (Patch|Minor|Major) Changes/.test(changelog))) {
        throw new Error(`${pkg.name}: CHANGELOG.md does not read as a first release:\n${changelog}`);
      }
      process.stdout.write(`   ${pkg.name} ${before.get(pkg.name) ?? '?'} -> ${pkg.version}\n`);
    }
    run('git', ['add', '-A'], { cwd: clone });
    run('git', ['commit', '--quiet', '-m', 'Version packages'], { cwd: clone });

    step('Verdaccio on 127.0.0.1');
    const registryDir = join(work, 'registry');
    const started = await startRegistry(registryDir);
    server = started;
    const { registry, token } = started;
    const home = join(work, 'home');
    mkdirSync(home);
    const host = registry.replace(/^http:/, '');
    writeFileSync(join(home, '.npmrc'), `${host}:_authToken=${token}\n`);
    // The user's setting, as npm knows it; release.mjs passes it on to pnpm 12 (pnpm_config_registry).
    const releaseEnv = { ...cleanEnv, HOME: home, npm_config_registry: registry };

    step(`pnpm release to ${registry}`);
    run('pnpm', ['run', 'release'], { cwd: clone, env: releaseEnv, quiet: false });
    const tags = run('git', ['tag', '--list'], { cwd: clone }).split('\n');
    for (const pkg of released) {
      const versions = await publishedVersions(registry, pkg.name);
      if (!versions.includes(pkg.version)) throw new Error(`${pkg.name}@${pkg.version} is not on the local registry (it has ${versions.join(', ') || 'nothing'})`);
      if (!tags.includes(`${pkg.name}@${pkg.version}`)) throw new Error(`no git tag ${pkg.name}@${pkg.version} (tags: ${tags.join(' ')})`);
    }
    if (run('git', ['status', '--porcelain'], { cwd: clone }).trim() !== '') throw new Error('the release left the clone dirty');
    process.stdout.write(`   published and tagged: ${released.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ')}\n`);

    // From here on nothing may resolve through the clone's workspace links.
    for (const dir of ['node_modules', ...released.map((pkg) => join(pkg.relDir, 'node_modules'))]) rmSync(join(clone, dir), { recursive: true, force: true });
    // A user's project: the scope from the local registry, no credentials (reading is open).
    const npmrc = `@twq:registry=${registry}\n`;
    const userHome = join(work, 'user-home');
    mkdirSync(userHome);
    const userEnv = { ...cleanEnv, HOME: userHome, npm_config_cache: join(homedir(), '.npm') };

    step('a fresh npm project installs every public package by name');
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'rehearsal-consumer', private: true, type: 'module' }, null, 2)}\n`);
    writeFileSync(join(consumer, '.npmrc'), npmrc);
    const browserTools = ['vite@8.3.8', 'playwright-core@1.65.1'];
    run('npm', ['install', '--no-audit', '--no-fund', ...released.map((pkg) => `${pkg.name}@${pkg.version}`), ...browserTools], { cwd: consumer, env: userEnv });
    for (const pkg of released) {
      const installed = join(consumer, 'node_modules', ...pkg.name.split('/'));
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
      if (manifest.version !== pkg.version) throw new Error(`${pkg.name}: installed ${manifest.version}, published ${pkg.version}`);
      if (!existsSync(join(installed, 'LICENSE'))) throw new Error(`${pkg.name}: no LICENSE in the installed package`);
      const subpaths = Object.keys(manifest.exports ?? { '.': '' }).filter((key) => key !== './package.json');
      for (const sub of subpaths) {
        const specifier = pkg.name + sub.slice(1);
        run(process.execPath, ['--no-warnings', '-e', `require(${JSON.stringify(specifier)})`], { cwd: consumer, env: userEnv });
        run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`], { cwd: consumer, env: userEnv });
      }
      process.stdout.write(`   ${pkg.name}@${manifest.version}: require() and import of ${subpaths.join(', ')}\n`);
    }

    step("each README's Smallest real use, from the installed packages");
    for (const pkg of released) {
      const readme = readFileSync(join(consumer, 'node_modules', ...pkg.name.split('/'), 'README.md'), 'utf8');
      await runSmallestRealUse(pkg.name, readme, join(consumer, 'smallest', pkg.name.replace('/', '-')), userEnv);
    }

    const examplesDir = join(clone, 'examples');
    const examples = existsSync(examplesDir) ? readdirSync(examplesDir).filter((dir) => existsSync(join(examplesDir, dir, 'package.json'))) : [];
    const versions = new Map(released.map((pkg) => [pkg.name, pkg.version]));
    for (const example of examples) {
      step(`example ${example} on the published packages`);
      // In place in the clone (its tests find the repository's system-program finder by a relative
      // path), with the workspace's links gone: only what npm installs from the registries resolves.
      const dir = join(examplesDir, example);
      rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      const manifestPath = join(dir, 'package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const field of ['dependencies', 'devDependencies']) {
        for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
          if (!String(spec).startsWith('workspace:')) continue;
          const version = versions.get(dep);
          if (version === undefined) throw new Error(`example ${example}: ${dep} is not a published package`);
          manifest[field][dep] = `^${version}`;
        }
      }
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      writeFileSync(join(dir, '.npmrc'), npmrc);
      run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env: userEnv });
      run('npm', ['test'], { cwd: dir, env: userEnv, quiet: false });
    }
    step('passed');
  } catch (error) {
    if (server !== undefined) {
      const exited = server.exited();
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n-- Verdaccio ${exited === null ? 'still running' : `exited (${exited})`}; its log:\n${server.log().slice(-3000)}`, { cause: error });
    }
    throw error;
  } finally {
    server?.stop();
    if (keep) process.stdout.write(`kept: ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

rehearse().catch((/** @type {unknown} */ error) => {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message}${error.cause.cause instanceof Error ? `: ${error.cause.cause.message}` : ''})` : '';
  process.stderr.write(`release rehearsal failed: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
  process.exit(1);
});
