// The finder and the install step, on a PATH made for each test: this machine
// has Chromium and redis-server installed, so every test here builds its own
// PATH without them, and a stand-in apt-get that records what it was asked to
// do (and "installs" by writing an executable) proves the root-with-apt path.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MissingSystemToolError, ensureSystemTool, findSystemTool } from '../src/system-deps.mjs';

const cli = fileURLToPath(new URL('../src/with-system-deps.mjs', import.meta.url));
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twq-system-deps-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** @param {string} name @param {string} body */
function script(name, body) {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * A stand-in apt-get: logs its arguments; `install` creates the named program.
 * @param {string} installs @param {number} [exitStatus]
 */
function fakeApt(installs, exitStatus = 0) {
  return script(
    'apt-get',
    `echo "$@" >> "${dir}/apt.log"\n` +
      `if [ "$1" = install ] && [ ${exitStatus} = 0 ]; then printf '#!/bin/sh\\n' > "${dir}/${installs}"; /bin/chmod 755 "${dir}/${installs}"; fi\n` +
      `exit ${exitStatus}`,
  );
}

describe('findSystemTool', () => {
  test('finds nothing on a PATH without the program, whatever this machine has installed', () => {
    expect(findSystemTool('chromium', { PATH: dir })).toBeUndefined();
    expect(findSystemTool('redis-server', { PATH: dir })).toBeUndefined();
  });

  test('finds any of the names on PATH, and skips files that are not executable', () => {
    writeFileSync(join(dir, 'chromium'), 'not executable');
    const chrome = script('google-chrome', '');
    expect(findSystemTool('chromium', { PATH: dir })).toBe(chrome);
  });

  test('CHROME_PATH wins over PATH; a CHROME_PATH that is not executable is an error naming it', () => {
    script('chromium', '');
    const own = script('my-chrome', '');
    expect(findSystemTool('chromium', { PATH: dir, CHROME_PATH: own })).toBe(own);
    expect(() => findSystemTool('chromium', { PATH: dir, CHROME_PATH: join(dir, 'nope') })).toThrow(
      `CHROME_PATH=${join(dir, 'nope')} is not an executable file`,
    );
  });

  test('an unknown tool name is a TypeError listing the known ones', () => {
    expect(() => findSystemTool('firefox', { PATH: dir })).toThrow(/unknown system tool "firefox": one of chromium, redis-server/);
  });
});

describe('ensureSystemTool', () => {
  test('not root: one line that says what to install, and apt-get is never run', () => {
    fakeApt('chromium');
    let error;
    try {
      ensureSystemTool('chromium', { env: { PATH: dir }, uid: 1000 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingSystemToolError);
    const message = /** @type {Error} */ (error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('apt-get install -y chromium');
    expect(message).toContain('CHROME_PATH');
    expect(() => readFileSync(join(dir, 'apt.log'))).toThrow();
  });

  test('root without apt-get: one line that says what to install', () => {
    expect(() => ensureSystemTool('redis-server', { env: { PATH: dir }, uid: 0 })).toThrow(
      /^redis-server not found \(.*no apt-get here\): install it, e\.g\. "apt-get install -y redis-server" as root/,
    );
  });

  test('root with apt-get: runs apt-get update, then installs the Debian package, then finds it', () => {
    fakeApt('chromium');
    const found = ensureSystemTool('chromium', { env: { PATH: dir }, uid: 0 });
    expect(found).toBe(join(dir, 'chromium'));
    expect(readFileSync(join(dir, 'apt.log'), 'utf8')).toBe('update\ninstall -y --no-install-recommends chromium\n');
  });

  test('root with apt-get, redis: the redis-server package', () => {
    fakeApt('redis-server');
    expect(ensureSystemTool('redis-server', { env: { PATH: dir }, uid: 0 })).toBe(join(dir, 'redis-server'));
    expect(readFileSync(join(dir, 'apt.log'), 'utf8')).toContain('install -y --no-install-recommends redis-server');
  });

  test('an apt-get that fails: one line naming the failed step', () => {
    fakeApt('chromium', 100);
    expect(() => ensureSystemTool('chromium', { env: { PATH: dir }, uid: 0 })).toThrow(
      'chromium not found and "apt-get update" failed (exit 100): install chromium by hand',
    );
  });
});

describe('with-system-deps (the wrapper of the root test command)', () => {
  test('missing program: exits 1 with one line on stderr, the command never runs', () => {
    const marker = join(dir, 'ran');
    const result = spawnSync(process.execPath, [cli, 'chromium', '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`], {
      env: { PATH: dir },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('chromium not found');
    expect(() => readFileSync(marker)).toThrow();
  });

  test('found program: its path reaches the command in CHROME_PATH, and the exit status passes through', () => {
    const chromium = script('chromium', '');
    const result = spawnSync(process.execPath, [cli, 'chromium', '--', process.execPath, '-e', 'console.log(process.env.CHROME_PATH); process.exit(3)'], {
      env: { PATH: dir },
      encoding: 'utf8',
    });
    expect(result.stdout.trim()).toBe(chromium);
    expect(result.status).toBe(3);
  });
});
