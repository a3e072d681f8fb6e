/**
 * Every entry point of every workspace package, read from the "exports" map
 * of its package.json: one entry per subpath, and per condition where the
 * conditions lead to different files (@twq/compress has node and browser
 * builds). Ids: '@twq/core', '@twq/browser/worker', '@twq/compress [browser]'.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Entry {
  readonly id: string;
  /** The package name. */
  readonly pkg: string;
  /** The specifier a user imports ('@twq/compress/page-ops'). */
  readonly specifier: string;
  /** The condition that selects this file, where there are several. */
  readonly condition: string | undefined;
  /** The built JavaScript file. */
  readonly file: string;
  /** Its type declarations. */
  readonly types: string;
}

/** The workspace packages the catalogue covers: every one with an exports map (the benchmark app has none; its CLI is covered as a CLI). */
export const PACKAGES = ['@twq/bitmap', '@twq/event', '@twq/core', '@twq/node', '@twq/browser', '@twq/compress', '@twq/pgzip'] as const;

const require = createRequire(import.meta.url);

type Target = string | { readonly import?: string; readonly types?: string } | Readonly<Record<string, { readonly import?: string; readonly types?: string }>>;

export function listEntries(): Entry[] {
  const out: Entry[] = [];
  for (const pkg of PACKAGES) {
    const manifestPath = require.resolve(`${pkg}/package.json`);
    const root = dirname(manifestPath);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, Target> };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (subpath === './package.json' || typeof target === 'string') continue;
      const specifier = subpath === '.' ? pkg : `${pkg}/${subpath.slice(2)}`;
      const flat = target as { import?: string; types?: string };
      if (typeof flat.import === 'string') {
        out.push({ id: specifier, pkg, specifier, condition: undefined, file: join(root, flat.import), types: join(root, flat.types ?? flat.import) });
        continue;
      }
      const seen = new Set<string>();
      for (const [condition, t] of Object.entries(target as Record<string, { import?: string; types?: string }>)) {
        if (typeof t.import !== 'string' || seen.has(t.import)) continue;
        seen.add(t.import);
        out.push({ id: `${specifier} [${condition}]`, pkg, specifier, condition, file: join(root, t.import), types: join(root, t.types ?? t.import) });
      }
    }
  }
  return out;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** The module of entry `id` (its built file, imported as the test imports the package). */
export function loadEntry(id: string): Promise<Record<string, unknown>> {
  let loaded = modules.get(id);
  if (loaded === undefined) {
    const entry = listEntries().find((e) => e.id === id);
    if (entry === undefined) throw new Error(`no entry point ${id}; entries: ${listEntries().map((e) => e.id).join(', ')}`);
    loaded = import(pathToFileURL(entry.file).href) as Promise<Record<string, unknown>>;
    modules.set(id, loaded);
  }
  return loaded;
}
