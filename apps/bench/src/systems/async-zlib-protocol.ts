import type { DataSet } from '../data/data-sets.js';

/** Parent to child. */
export type ToZlibChild =
  | { readonly type: 'setup'; readonly dataSet: DataSet; readonly memoryBytes: number; readonly window: number }
  | { readonly type: 'run'; readonly tasks: number }
  | { readonly type: 'close' };

/** Child to parent. */
export type FromZlibChild =
  | { readonly type: 'ready'; readonly threadPoolSize: string | undefined }
  | { readonly type: 'result'; readonly tasks: number; readonly ms: number; readonly total: number; readonly problem: string | undefined }
  | { readonly type: 'failed'; readonly message: string };
