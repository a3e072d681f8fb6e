import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeValue } from '@twq/core';

/**
 * Turns what the user gave as the ops module into something `import()` takes
 * on every thread: a URL object or `file:`/`data:` URL string as is, a path
 * (absolute, or relative to the current directory) as a `file:` URL.
 */
export function toModuleSpecifier(module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) {
    throw new TypeError(`the ops module must be a URL or a non-empty path string, got ${describeValue(module)}`);
  }
  if (/^(file|data|node):/.test(module)) return module;
  if (isAbsolute(module) || module.startsWith('./') || module.startsWith('../')) {
    return pathToFileURL(resolve(module)).href;
  }
  // A bare specifier (a package export): resolved by import() on each thread.
  return module;
}
