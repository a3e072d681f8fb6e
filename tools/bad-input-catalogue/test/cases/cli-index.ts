/** Every table of CLI cases, one per command. */
import type { CliCase } from '../support/cli.js';
import { benchCliCases } from './bench-cli-cases.js';
import { pgzipCliCases } from './pgzip-cli-cases.js';

export interface CliTable {
  readonly name: string;
  readonly cases: readonly CliCase[];
}

export const CLI_TABLES: readonly CliTable[] = [
  { name: 'twq-gzip (CLI)', cases: pgzipCliCases },
  { name: 'twq-bench (CLI)', cases: benchCliCases },
];
