import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the figures were measured on: printed first, saved in the JSON. */
export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly availableParallelism: number;
  readonly cpuModel: string;
  readonly totalMemoryGiB: number;
  /** 1-minute load average when the benchmark started. */
  readonly loadAverage: number;
  /**
   * Fraction of all CPUs that other processes kept busy in a short idle
   * window just before the benchmark (Linux; null elsewhere). Anything well
   * above zero means the figures are shared with other work.
   */
  readonly otherCpuBefore: number | null;
}

export async function machineInfo(): Promise<MachineInfo> {
  const list = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    arch: arch(),
    cpus: list.length,
    availableParallelism: availableParallelism(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
    otherCpuBefore: await otherCpuUse(),
  };
}

/** The report's first lines. */
export function describeMachine(m: MachineInfo): string {
  const other = m.otherCpuBefore === null ? '' : `, other processes using ${(m.otherCpuBefore * 100).toFixed(0)}% of the CPUs`;
  const lines = [
    `# Node ${m.node} (V8 ${m.v8}), ${m.platform}/${m.arch}, ${m.cpus} CPUs (${m.availableParallelism} available), ${m.cpuModel}, ${m.totalMemoryGiB} GiB`,
    `# load average ${m.loadAverage}${other}. Absolute figures are this machine's: compare ratios across machines, not MiB/s.`,
  ];
  const warning = busyWarning(m.otherCpuBefore);
  if (warning !== undefined) lines.push(warning);
  return lines.join('\n');
}

/**
 * A warning when other processes keep more than a tenth of the CPUs busy.
 * Shared cores distort the ratios between a single-threaded system and a
 * threaded one, in a direction that depends on the scheduler: sharing per
 * thread favours the threaded one; Linux's per-session autogroups give each
 * session the same share however many threads it runs, which favours neither
 * and makes every wake-up slower. And every absolute figure reads low.
 */
export function busyWarning(otherCpu: number | null): string | undefined {
  if (otherCpu === null || otherCpu <= 0.1) return undefined;
  return (
    `# warning: other processes kept ${(otherCpu * 100).toFixed(0)}% of the CPUs busy: the threads measured here shared the cores ` +
    'with them, which makes figures noisy and low and distorts ratios between threaded systems and inline; quote figures from an idle machine'
  );
}

/**
 * Fraction of all CPUs busy over `ms` milliseconds while this process sleeps
 * (so: other processes), from /proc/stat; null where there is no /proc/stat.
 */
export async function otherCpuUse(ms = 300): Promise<number | null> {
  const before = cpuTimes();
  if (before === null) return null;
  await sleep(ms);
  const after = cpuTimes();
  if (after === null) return null;
  const total = after.total - before.total;
  return total <= 0 ? 0 : Math.max(0, Math.min(1, (after.busy - before.busy) / total));
}

function cpuTimes(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu user nice system idle iowait irq softirq steal ...
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3] + fields[4];
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}
