// Types of explorer.mjs (plain JS: its code threads must run without a TS loader).
export interface ExploreResult {
  executions: number;
  steps: number;
  maxDepth: number;
  states: number;
  /** Times the code threads were restarted after a fault of the harness (the execution is replayed). */
  harnessRestarts: number;
  exhausted?: boolean;
  failure?: string;
  trace?: string[];
}

export interface Buffers {
  buffer: SharedArrayBuffer;
  audit: SharedArrayBuffer;
}

export class Explorer {
  constructor(options: {
    roles: string[];
    scenario: Record<string, unknown>;
    bufferBytes: number;
    auditBytes?: number;
    finalCheck?: (buffers: Buffers) => string | undefined;
    /** Steps after which an execution is scheduled round-robin, without branching (default 200). */
    fairAfter?: number;
  });
  explore(options?: { maxExecutions?: number; preemptionBound?: number }): Promise<ExploreResult>;
  close(): Promise<void>;
}
