import { OpsLoadError, type Ops } from '@twq/core';
import { resolveOpsExport } from '@twq/core/host';

/** Imports the ops module and resolves its export; every failure is an OpsLoadError naming the module. */
export async function loadOps(specifier: string, exportName: string, options: unknown): Promise<Ops> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    throw new OpsLoadError(specifier, `import failed: ${(e as Error).message}`, e);
  }
  const exported = mod[exportName];
  if (exported === undefined) {
    const names = Object.keys(mod).join(', ') || 'none';
    throw new OpsLoadError(specifier, `it has no export named "${exportName}" (its exports: ${names})`);
  }
  return resolveOpsExport(exported, options, specifier, `export "${exportName}"`);
}
