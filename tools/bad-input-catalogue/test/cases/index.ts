/** Every table of library cases, one per package (cases are grouped by the package whose export they call). */
import type { Case } from '../support/case.js';
import { bitmapCases } from './bitmap-cases.js';
import { browserCases } from './browser-cases.js';
import { compressCases } from './compress-cases.js';
import { coreCases } from './core-cases.js';
import { coreHostCases } from './core-host-cases.js';
import { eventCases } from './event-cases.js';
import { nodeCases } from './node-cases.js';
import { pgzipCases } from './pgzip-cases.js';
import { taskBrowserCases, taskCoreCases, taskNodeCases } from './task-cases.js';

export interface Table {
  /** The package (or CLI) the cases belong to, as the summary counts them. */
  readonly name: string;
  readonly cases: readonly Case[];
}

export const API_TABLES: readonly Table[] = [
  { name: '@twq/bitmap', cases: bitmapCases },
  { name: '@twq/event', cases: eventCases },
  { name: '@twq/core', cases: [...coreCases, ...coreHostCases, ...taskCoreCases] },
  { name: '@twq/node', cases: [...nodeCases, ...taskNodeCases] },
  { name: '@twq/browser', cases: [...browserCases, ...taskBrowserCases] },
  { name: '@twq/compress', cases: compressCases },
  { name: '@twq/pgzip', cases: pgzipCases },
];
