/**
 * Which CPUs learners' programs may run on: all of the lab's but the first `--backend-cpus`, which are kept for the
 * backend and for the kernel's work that echoes every keystroke (the tty's flush, loopback networking).
 *
 * Why keep any: a CPU share and `cpu.idle` decide who runs next, not at once. Beside two workspaces of busy loops on
 * a 2-core machine, the backend's wakeups still waited up to 13 ms behind them (a scheduler trace), and five hostile
 * neighbours changed a quiet learner's echo p99 by 3.6-9.9x; with the workspaces kept off one CPU, by 1.4-1.6x.
 */
/** The kernel's list format, as in cpuset.cpus and Cpus_allowed_list: `0-3,8,10-11`; empty is no CPU. */
export function parseCpuList(text: string): number[] {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`"${text.trim()}" is not a CPU list`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new Error(`"${text.trim()}" is not a CPU list`);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The inverse of parseCpuList, with runs joined: [0, 1, 2, 5] is `0-2,5`. */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    runs.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(',');
}

export type CpuSplit =
  | { kept: true; backend: number[]; workspaces: number[] }
  /** Nothing is kept, and why (for the log and `doctor`). */
  | { kept: false; why: string };

/**
 * Splits the lab's CPUs: the lowest `backendCpus` for the backend, the rest for the workspaces. Nothing is kept when
 * that would leave the workspaces no CPU.
 */
export function splitCpus(lab: readonly number[], backendCpus: number): CpuSplit {
  if (backendCpus === 0) return { kept: false, why: '--backend-cpus 0' };
  if (lab.length <= backendCpus) {
    const has = `the lab has ${lab.length} CPU${lab.length === 1 ? '' : 's'}`;
    return { kept: false, why: `${has}, none left for the workspaces after keeping ${backendCpus}` };
  }
  return { kept: true, backend: lab.slice(0, backendCpus), workspaces: lab.slice(backendCpus) };
}
