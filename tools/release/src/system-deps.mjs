/**
 * System programs the tests need (Chromium for the browser suites, redis-server
 * for the BullMQ example): found where a user keeps them, installed from
 * Debian's packages when the test runs as root on a machine with apt, and
 * otherwise a one-line error that says what to install. One finder for every
 * suite, so `pnpm test` on a fresh machine either gets the program or says why.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * @typedef {object} SystemTool
 * @property {string} envVar the variable a user sets to point at their own copy
 * @property {readonly string[]} names executable names looked up on PATH, in order
 * @property {string} aptPackage Debian's package that provides it
 * @property {string} hint what else a user can install (one phrase)
 */

/** @type {Readonly<Record<string, SystemTool>>} */
export const SYSTEM_TOOLS = Object.freeze({
  chromium: {
    envVar: 'CHROME_PATH',
    names: ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'],
    aptPackage: 'chromium',
    hint: 'or set CHROME_PATH to any Chromium or Chrome executable',
  },
  'redis-server': {
    envVar: 'REDIS_SERVER_PATH',
    names: ['redis-server'],
    aptPackage: 'redis-server',
    hint: 'or set REDIS_SERVER_PATH to a redis-server executable (Redis >= 6.2 or Valkey)',
  },
});

/** @param {string} path */
function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {string} name
 * @returns {SystemTool}
 */
function toolNamed(name) {
  const tool = SYSTEM_TOOLS[name];
  if (tool === undefined) {
    throw new TypeError(`unknown system tool ${JSON.stringify(name)}: one of ${Object.keys(SYSTEM_TOOLS).join(', ')}`);
  }
  return tool;
}

/**
 * Looks an executable name up on a PATH string.
 * @param {string} name
 * @param {string | undefined} pathList
 * @returns {string | undefined}
 */
export function whichOnPath(name, pathList) {
  for (const dir of (pathList ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Thrown when a system program is missing and cannot be installed here: its message is the one line to show. */
export class MissingSystemToolError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'MissingSystemToolError';
  }
}

/**
 * Finds a system program: the user's variable first (it must then name an
 * executable file: a wrong setting is an error, not a reason to look elsewhere),
 * then the names on PATH.
 * @param {string} name a key of SYSTEM_TOOLS
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined} its absolute path
 */
export function findSystemTool(name, env = process.env) {
  const tool = toolNamed(name);
  const configured = env[tool.envVar];
  if (configured !== undefined && configured !== '') {
    if (!isExecutableFile(configured)) {
      throw new MissingSystemToolError(`${tool.envVar}=${configured} is not an executable file: point it at a ${name} executable, or unset it`);
    }
    return configured;
  }
  for (const exe of tool.names) {
    const found = whichOnPath(exe, env.PATH);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * @typedef {object} EnsureOptions
 * @property {NodeJS.ProcessEnv} [env] where to look (defaults to process.env)
 * @property {number} [uid] the user id (defaults to process.getuid()); apt runs only as root (0)
 * @property {(command: string, args: string[], env: NodeJS.ProcessEnv) => number} [run]
 *   runs a command and returns its exit status (tests replace it to watch the apt step)
 */

/** @type {NonNullable<EnsureOptions['run']>} */
function runInherited(command, args, env) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  return result.status ?? 1;
}

/**
 * Finds a system program, or installs Debian's package for it when this runs
 * as root on a machine with apt-get; otherwise throws MissingSystemToolError
 * with one line that says what to install.
 * @param {string} name a key of SYSTEM_TOOLS
 * @param {EnsureOptions} [options]
 * @returns {string} its absolute path
 */
export function ensureSystemTool(name, options = {}) {
  const tool = toolNamed(name);
  const env = options.env ?? process.env;
  const uid = options.uid ?? process.getuid?.() ?? -1;
  const run = options.run ?? runInherited;
  const found = findSystemTool(name, env);
  if (found !== undefined) return found;
  const looked = `${tool.envVar} unset, none of ${tool.names.join(', ')} on PATH`;
  const apt = whichOnPath('apt-get', env.PATH);
  if (uid !== 0 || apt === undefined) {
    const why = uid !== 0 ? 'not root, so not installing it' : 'no apt-get here';
    throw new MissingSystemToolError(
      `${name} not found (${looked}; ${why}): install it, e.g. "apt-get install -y ${tool.aptPackage}" as root, ${tool.hint}`,
    );
  }
  process.stderr.write(`${name} not found (${looked}): installing Debian's ${tool.aptPackage} with apt-get\n`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps = [
    ['update'],
    ['install', '-y', '--no-install-recommends', tool.aptPackage],
  ];
  for (const args of steps) {
    const status = run(apt, args, aptEnv);
    if (status !== 0) {
      throw new MissingSystemToolError(`${name} not found and "apt-get ${args.join(' ')}" failed (exit ${status}): install ${tool.aptPackage} by hand, ${tool.hint}`);
    }
  }
  const installed = findSystemTool(name, env);
  if (installed === undefined) {
    throw new MissingSystemToolError(`apt-get installed ${tool.aptPackage} but none of ${tool.names.join(', ')} is on PATH: ${tool.hint}`);
  }
  return installed;
}
