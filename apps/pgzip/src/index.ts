/** The command's parts, for embedding and tests: `main(argv, io)` runs a command line and resolves with its exit status. */
export { EXIT_ERROR, EXIT_OK, EXIT_WARNING, main } from './main.js';
export type { Io } from './main.js';
export type { ProgressTarget } from './progress.js';
export { CLI_OPTIONS, USAGE, UsageError, parseCli } from './options.js';
export type { CliOptions, Level } from './options.js';
export { decompressedName, hasCompressedSuffix } from './suffix.js';
export { describeError } from './describe-error.js';
