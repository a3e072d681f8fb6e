import type { Readable } from 'node:stream';
import type { ProgressTarget } from './progress.js';

/**
 * Asks `question` on standard error and reads one line from standard input
 * (a terminal): yes when it starts with y or Y, as gzip takes the answer. The
 * end of input is a no.
 */
export async function askYesNo(stdin: Readable, stderr: ProgressTarget, question: string): Promise<boolean> {
  stderr.write(question);
  const line = await readLine(stdin);
  return /^\s*y/i.test(line);
}

function readLine(stdin: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (): void => {
      stdin.off('data', onData);
      stdin.off('end', done);
      stdin.off('error', onError);
      stdin.pause();
      resolve(text);
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (text.includes('\n')) {
        text = text.slice(0, text.indexOf('\n'));
        done();
      }
    };
    const onError = (e: Error): void => {
      stdin.off('data', onData);
      stdin.off('end', done);
      reject(e);
    };
    stdin.on('data', onData);
    stdin.once('end', done);
    stdin.once('error', onError);
    stdin.resume();
  });
}
