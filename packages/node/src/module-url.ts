import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeValue } from '@twq/core';

/** URL schemes whose modules carry their code in the URL (data:) or fetch it from a server (http:, https:). */
const DATA_OR_NETWORK = /^(data|https?):/i;

/**
 * Turns what the user gave as the ops module into something `import()` takes
 * on every thread: a URL object or `file:` URL string as is, a path
 * (absolute, or relative to the current directory) as a `file:` URL, a bare
 * specifier (a package) as is. A `data:` URL (code in the URL itself) or an
 * `http:` / `https:` URL is refused with a TypeError unless
 * `allowDataAndNetworkModules` is true: the module's handlers run with the
 * queue's whole memory, so whatever chooses the module chooses code that runs
 * there (see the trust model in the README).
 */
export function toModuleSpecifier(module: unknown, allowDataAndNetworkModules = false): string {
  if (typeof allowDataAndNetworkModules !== 'boolean') {
    throw new TypeError(`allowDataAndNetworkModules must be a boolean, got ${describeValue(allowDataAndNetworkModules)}`);
  }
  let specifier: string;
  if (module instanceof URL) {
    specifier = module.href;
  } else if (typeof module !== 'string' || module.length === 0) {
    throw new TypeError(`the ops module must be a URL or a non-empty path string, got ${describeValue(module)}`);
  } else if (/^(file|node):/i.test(module) || DATA_OR_NETWORK.test(module)) {
    specifier = module;
  } else if (isAbsolute(module) || module.startsWith('./') || module.startsWith('../')) {
    return pathToFileURL(resolve(module)).href;
  } else {
    // A bare specifier (a package export): resolved by import() on each thread.
    return module;
  }
  const scheme = DATA_OR_NETWORK.exec(specifier)?.[1].toLowerCase();
  if (scheme !== undefined && !allowDataAndNetworkModules) {
    const what = scheme === 'data' ? 'a data: URL (its code is in the URL itself)' : `an ${scheme}: URL (its code comes from a server)`;
    throw new TypeError(
      `the module ${describeValue(specifier)} is ${what}: refused unless the option allowDataAndNetworkModules is true; give a file path, a file: URL or a package name`,
    );
  }
  return specifier;
}
