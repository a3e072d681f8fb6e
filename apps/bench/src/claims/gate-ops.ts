/**
 * twq ops of the cancellation benchmark: request -1 raises HOLDING, then holds its
 * worker until the submitter opens the gate (word 0 of opsOptions.gate); every other request
 * counts itself in word 1, so the benchmark can prove none was handled.
 */
import { defineLayout, defineOps } from '@twq/core';

export interface GateOptions {
  gate: SharedArrayBuffer;
}

export const GATE_OPEN = 0;
export const HANDLED = 1;
/** Raised by request -1 when it starts holding its worker. */
export const HOLDING = 2;

export function ops(options: GateOptions) {
  const words = new Int32Array(options.gate);
  return defineOps({
    layout: defineLayout({ value: 'i32' }),
    handle(request) {
      if (request.value === -1) {
        Atomics.store(words, HOLDING, 1);
        Atomics.notify(words, HOLDING);
        while (Atomics.load(words, GATE_OPEN) === 0) Atomics.wait(words, GATE_OPEN, 0, 1_000);
        return;
      }
      Atomics.add(words, HANDLED, 1);
    },
  });
}
