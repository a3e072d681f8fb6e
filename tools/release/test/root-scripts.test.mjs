// The root scripts a new user runs: turbo's first-run telemetry notice is off
// in every one of them (the variable set in the script itself, so no user
// setting is needed), and the test command goes through the system-program
// finder, so a machine without Chromium either gets one or is told what to install.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

/** @type {{ scripts: Record<string, string> }} */
const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));

test('every turbo call in the root scripts has telemetry disabled', () => {
  const calls = Object.entries(root.scripts).flatMap(([name, script]) =>
    script.split('&&').map((part) => [name, part.trim()]).filter(([, part]) => /(^|\s)turbo\s/.test(part)),
  );
  expect(calls.length).toBeGreaterThan(3);
  for (const [name, part] of calls) expect(`${name}: ${part}`).toMatch(/: TURBO_TELEMETRY_DISABLED=1 turbo /);
});

test('pnpm test finds (or installs) Chromium before it runs anything', () => {
  expect(root.scripts.test).toMatch(/^node tools\/release\/src\/with-system-deps\.mjs chromium -- /);
});
