/** The directory segment of TypeScript sources, and of their build. */
const SOURCE_DIR = '/src/';
const BUILD_DIR = '/dist/';

/**
 * The URL of one of this package's modules as built JavaScript, for a worker
 * to import. `relative` is resolved against `base` (the caller's
 * `import.meta.url`). When the caller itself runs from TypeScript source
 * (this package's own tests), the URL points to the built twin under dist/:
 * worker threads on Node 20 cannot load .ts files.
 */
export function builtModuleUrl(relative: string, base: string): URL {
  const url = new URL(relative, base);
  if (!base.endsWith('.ts')) return url;
  const href = url.href;
  const at = href.lastIndexOf(SOURCE_DIR);
  return at < 0 ? url : new URL(href.slice(0, at) + BUILD_DIR + href.slice(at + SOURCE_DIR.length));
}
