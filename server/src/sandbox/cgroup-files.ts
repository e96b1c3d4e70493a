/**
 * What differs between cgroup v1 and v2 for a workspace: the files that hold each limit, and the counters that say
 * a limit stopped a program. Everything else (where groups are made, how processes join) is in cgroup.ts.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Controller } from './cgroup-paths.ts';
import { formatCpuList } from './cpu-list.ts';
import { readKernelFile } from './kernel-file.ts';

export type CgroupVersion = 1 | 2;

export interface CgroupLimits {
  memoryBytes: number;
  processes: number;
  /** CPUs' worth of time per period, e.g. 0.5. */
  cpus: number;
  /** The CPUs a workspace's programs may run on; null: all of the lab's. */
  workspaceCpus: readonly number[] | null;
}

/** Cumulative counts since the workspace's group was made; they only grow. */
export interface LimitCounters {
  /** Programs the kernel killed because the workspace was at its memory limit. */
  oomKills: number;
  /** fork()s refused because the workspace was at its process limit. */
  forkRefusals: number;
}

export interface LimitFile {
  file: string;
  value: string;
  /** Present only on some hosts (swap accounting): written when it exists, skipped otherwise. */
  optional?: boolean;
}

/** The scheduler's accounting period; the CPU cap is a quota of it. */
const CPU_PERIOD_US = 100_000;
/**
 * Every workspace gets the same weight, the kernel's default: busy workspaces share the CPUs equally. And every
 * workspace's group is idle to the scheduler (cpu.idle, where the kernel has it): a waking backend, which echoes
 * every learner's keystrokes, preempts a learner's program instead of waiting for the end of its time slice. Not
 * always: on Linux 6.18, beside two workspaces of busy loops, 2% of the backend's wakeups still waited over 2 ms, up
 * to 13 ms (a scheduler trace: its CPU went on running busy loops until the load balancer moved it). With five
 * hostile neighbours among 30 learners, a quiet learner's echo p99 was 9.3-12.0 ms with it and 14.0-24.6 ms without
 * (2-5 ms in a quiet class).
 * The cost: a learner's own programs wait whenever the backend is busy, so 200 sessions echoing through `cat` as
 * fast as they can had p99 60-69 ms with it, 31-35 ms without. Among themselves idle groups still share by weight.
 */
const CPU_SHARES_V1 = 1024;
const CPU_WEIGHT_V2 = 100;

/** The files (relative to the workspace's group in the controller's hierarchy) that set `controller`'s limit. */
export function limitFiles(version: CgroupVersion, controller: Controller, limits: CgroupLimits): LimitFile[] {
  const quota = String(Math.max(1000, Math.round(limits.cpus * CPU_PERIOD_US)));
  const memory = String(limits.memoryBytes);
  // The same file in v1 and v2. Not written: the parent's CPUs (v1 copies them in, inheritCpuset; v2 inherits).
  if (controller === 'cpuset') {
    return limits.workspaceCpus ? [{ file: 'cpuset.cpus', value: formatCpuList(limits.workspaceCpus) }] : [];
  }
  if (version === 1) {
    switch (controller) {
      // limit_in_bytes first: memsw (memory + swap) may never be below it. Equal: no swapping past the limit.
      case 'memory':
        return [
          { file: 'memory.limit_in_bytes', value: memory },
          { file: 'memory.memsw.limit_in_bytes', value: memory, optional: true },
        ];
      case 'pids':
        return [{ file: 'pids.max', value: String(limits.processes) }];
      case 'cpu':
        return [
          { file: 'cpu.cfs_period_us', value: String(CPU_PERIOD_US) },
          { file: 'cpu.cfs_quota_us', value: quota },
          { file: 'cpu.shares', value: String(CPU_SHARES_V1) },
          { file: 'cpu.idle', value: '1', optional: true },
        ];
    }
  }
  switch (controller) {
    case 'memory':
      return [
        { file: 'memory.max', value: memory },
        // tmpfs pages could otherwise leave for swap and the workspace keep more files than its memory.
        { file: 'memory.swap.max', value: '0', optional: true },
      ];
    case 'pids':
      return [{ file: 'pids.max', value: String(limits.processes) }];
    case 'cpu':
      return [
        { file: 'cpu.max', value: `${quota} ${CPU_PERIOD_US}` },
        { file: 'cpu.weight', value: String(CPU_WEIGHT_V2) },
        { file: 'cpu.idle', value: '1', optional: true },
      ];
  }
}

/** The kernel's weight for a nice -20 process (sched_prio_to_weight[0]); a nice 0 one weighs 1024. */
const NICE_MINUS_20_WEIGHT = 88_761;

/**
 * The CPU weight of the backend's own group (backend-cpu.ts): a nice -20 process's. In v2's terms (a default group
 * weighs 100 there, 1024 in v1) that is 8668, as the kernel converts it for cpu.weight.nice.
 */
export function backendWeight(version: CgroupVersion): LimitFile {
  return version === 1
    ? { file: 'cpu.shares', value: String(NICE_MINUS_20_WEIGHT) }
    : { file: 'cpu.weight', value: String(Math.round((NICE_MINUS_20_WEIGHT * CPU_WEIGHT_V2) / CPU_SHARES_V1)) };
}

/**
 * How many default groups (a login session, a service) the lab's own group weighs against the rest of the machine,
 * whatever its number of workspaces. Two: one workspace busy beside another still gets its fair share when other
 * programs on the machine are busy too (alone a neighbour took 2.9x its time next to 32 busy loops, 1.2-1.5x at
 * two). Not more: the kernel's own threads sit beside the lab at one default weight each, and the tty and network
 * work that echoes every learner's keystroke runs in them (flush_to_ldisc in a kworker, loopback in ksoftirqd). With
 * the lab weighing one per workspace, 15 workspaces with five busy ones held those threads back for up to 0.5 s and
 * a quiet learner's echo p99 went from 3 ms to 370 ms.
 */
export function labWeight(version: CgroupVersion): LimitFile {
  const groups = 2;
  return version === 1
    ? { file: 'cpu.shares', value: String(CPU_SHARES_V1 * groups) }
    : { file: 'cpu.weight', value: String(CPU_WEIGHT_V2 * groups) };
}

/** Writes a limit file unless it is optional and absent. */
export async function shouldWrite(dir: string, limit: LimitFile): Promise<boolean> {
  if (!limit.optional) return true;
  return access(path.join(dir, limit.file)).then(
    () => true,
    () => false,
  );
}

/** memory.events and its kin are a few short lines. */
const COUNTER_FILE_BYTES = 4096;

/** A value of a flat keyed file such as memory.events (`oom_kill 3`); 0 when the file or the key is missing. */
function keyed(file: string | null, key: string): number {
  if (!file) return 0;
  const text = readKernelFile(file, COUNTER_FILE_BYTES) ?? '';
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Reads the kernel's own counters. v1: memory.oom_control's `oom_kill` and pids.events' `max`; v2: memory.events'
 * `oom_kill` and pids.events' `max`. (v1's memory.failcnt and v2's memory.events `max` count every time usage
 * touched the limit, mostly reclaimed page cache, so they are not a reason to tell a learner anything.)
 */
export function readCounters(version: CgroupVersion, dirOf: (controller: Controller) => string | null): LimitCounters {
  const file = (controller: Controller, name: string) => {
    const dir = dirOf(controller);
    return dir ? path.join(dir, name) : null;
  };
  return {
    oomKills: keyed(file('memory', version === 1 ? 'memory.oom_control' : 'memory.events'), 'oom_kill'),
    forkRefusals: keyed(file('pids', 'pids.events'), 'max'),
  };
}
