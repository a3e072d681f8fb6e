#!/usr/bin/env node
/**
 * `node with-system-deps.mjs chromium [redis-server ...] -- command args...`
 * Finds (or, as root with apt, installs) each named system program, puts its
 * path in the program's variable (CHROME_PATH, REDIS_SERVER_PATH) for the
 * command, and runs the command. A program that is missing and cannot be
 * installed stops it with one line that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { MissingSystemToolError, SYSTEM_TOOLS, ensureSystemTool } from './system-deps.mjs';

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
if (split < 1 || split === argv.length - 1) {
  process.stderr.write('usage: with-system-deps.mjs <tool>... -- <command> [args...]\n');
  process.exit(2);
}
const env = { ...process.env };
try {
  for (const name of argv.slice(0, split)) {
    const path = ensureSystemTool(name, { env });
    const tool = SYSTEM_TOOLS[name];
    if (tool !== undefined) env[tool.envVar] = path;
  }
} catch (error) {
  if (!(error instanceof MissingSystemToolError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const [command = '', ...args] = argv.slice(split + 1);
const result = spawnSync(command, args, { stdio: 'inherit', env, shell: false });
if (result.error !== undefined) {
  process.stderr.write(`${command}: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
