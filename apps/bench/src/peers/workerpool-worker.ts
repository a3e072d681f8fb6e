/** workerpool's worker script: registers the same task functions as page-task.ts. */
import workerpool from 'workerpool';
import { compress, noop } from './page-task.js';

workerpool.worker({ compress, noop });
