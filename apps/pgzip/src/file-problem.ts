import type { EXIT_ERROR, EXIT_OK, EXIT_WARNING } from './exit-status.js';

/**
 * A problem with one file: reported, the run goes on, the exit status says
 * so. `form` words it as gzip does: "NAME: message" (colon), "NAME has 1
 * other link -- file ignored" (space), or a message that names its own file
 * (alone), or the end of a line a question began (answer: no program name).
 */
export class FileProblem extends Error {
  override name = 'FileProblem';
  constructor(
    message: string,
    readonly status: typeof EXIT_OK | typeof EXIT_ERROR | typeof EXIT_WARNING,
    readonly form: 'colon' | 'space' | 'alone' | 'answer' = 'colon',
  ) {
    super(message);
  }
}
