import { DATA_SET_TITLES, DATA_SETS, type DataSet } from './data-sets.js';

/**
 * A workload: compressing pages of one data set, or a no-op (the cost of
 * moving a request alone). The ids are what `--workloads` accepts.
 */
export const WORKLOAD_IDS = [...DATA_SETS, 'noop'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export type Workload =
  | { readonly id: DataSet; readonly kind: 'pages'; readonly dataSet: DataSet; readonly title: string }
  | { readonly id: 'noop'; readonly kind: 'noop'; readonly title: string };

export function workloadOf(id: WorkloadId): Workload {
  if (id === 'noop') return { id, kind: 'noop', title: 'no-op requests' };
  return { id, kind: 'pages', dataSet: id, title: `page compression: ${DATA_SET_TITLES[id]}` };
}
