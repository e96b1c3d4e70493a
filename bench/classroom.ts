/**
 * A class under load: N learners (default 30; `npm run bench:classroom -- 100 200` for more) each open lesson 1's lab
 * through the real protocol, all at once, start its server and two clients and type into a client at a realistic
 * 5 keys per second. Then the same again beside five hostile neighbours (a memory hog, a process flood, busy loops
 * and a disk fill) to show what the per-workspace limits keep from the quiet ones. Prints figures; asserts nothing.
 * BENCH_TYPE_INTO=shell types at a shell prompt instead (bash echoes, so a learner's program runs for every key).
 * BENCH_LAB_FLAGS="--backend-cpus 0" gives the lab more options (after the bench's own), to compare limits.
 * BENCH_POOL=1 starts a sandbox ahead for every learner (--sandbox-pool, as a lab serving a class does), and the class
 * arrives once they are all ready. BENCH_REPEAT=3 alternates the quiet and hostile rounds three times and compares
 * their medians: one quiet round's p99 varies by 2-4x from run to run, and so does a single ratio.
 */
import { writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKEND_CPU_SUFFIX } from '../server/src/sandbox/backend-cpu.ts';
import { ClassLearner, HOSTILE, type Hostile } from './class-learner.ts';
import {
  COURSE_EXAMPLES,
  cpuNanos,
  learnerCookie,
  percentile,
  rssBytes,
  startBackend,
  type Backend,
} from './support.ts';

const KEYS_PER_SECOND = 5;
const TYPING_SECONDS = Number(process.env['BENCH_TYPING_SECONDS'] ?? 12);
/** BENCH_TYPE_INTO=shell: type at a shell prompt, where a learner's own program (bash) echoes each key. */
const INTO_SHELL = process.env['BENCH_TYPE_INTO'] === 'shell';
const POOLED = process.env['BENCH_POOL'] === '1';
const REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 1) || 1);
/** The bench's workspaces run as their own host uids, apart from a lab a test may run at the same time. */
const UID_BASE = 300_000;
const MB = 1024 * 1024;

interface Usage {
  rss: number;
  cpuSeconds: number;
}

/** What workspaceUsage sees at one moment: RSS, and each process's CPU time so far in ns, by pid. */
interface Sample {
  rss: number;
  cpuNanos: Map<number, number>;
}

/** The lab's group in the cpu hierarchy: the backend's own group there is beside it (see backend-cpu.ts). */
async function labCpuGroup(backendPid: number): Promise<string> {
  const line = (await readFile(`/proc/${backendPid}/cgroup`, 'utf8')).split('\n').find((l) => /:cpu(,|:)/.test(l));
  const group = line?.slice(line.lastIndexOf(':') + 1) ?? '/';
  return group.endsWith(BACKEND_CPU_SUFFIX) ? group.slice(0, -BACKEND_CPU_SUFFIX.length) : '/';
}

/**
 * RSS and CPU time of every process in the lab's workspaces (in a group under the lab's),
 * from /proc. CPU time comes from schedstat, in nanoseconds: the tick-based times in stat read ~0 for programs that
 * run in bursts shorter than a tick, as an echo does. Other labs on the machine (tests, a second bench) are left out.
 */
async function workspaceUsage(backendPid: number): Promise<Sample> {
  const lab = await labCpuGroup(backendPid);
  let rss = 0;
  const cpu = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === backendPid) continue;
    const [cgroup, status, schedstat] = await Promise.all(
      ['cgroup', 'status', 'schedstat'].map((f) => readFile(`/proc/${entry}/${f}`, 'utf8').catch(() => '')),
    );
    const cpuGroup = (cgroup ?? '').split('\n').find((l) => /:cpu(,|:)/.test(l)) ?? '';
    if (lab === '/' || !cpuGroup.includes(`:${lab}/`)) continue;
    rss += Number(/^VmRSS:\s+(\d+) kB/m.exec(status ?? '')?.[1] ?? 0) * 1024;
    cpu.set(Number(entry), Number((schedstat ?? '').split(' ')[0] ?? 0));
  }
  return { rss, cpuNanos: cpu };
}

/**
 * CPU seconds the workspaces' processes used between two samples. By process: one that ended in between takes its
 * time with it (a hostile neighbour's memory hog, killed again and again), so its share is left out rather than
 * counted against the others, and the sum is never below zero.
 */
function cpuBetween(before: Sample, after: Sample): number {
  let nanoseconds = 0;
  for (const [pid, now] of after.cpuNanos) {
    const was = before.cpuNanos.get(pid) ?? 0;
    nanoseconds += now >= was ? now - was : now; // less than before: the pid is a new process's
  }
  return nanoseconds / 1e9;
}

/** Network namespaces the kernel holds (its slab of them): a closed workspace's is freed a while after it ends. */
async function networkNamespaces(): Promise<number> {
  const line = (await readFile('/proc/slabinfo', 'latin1')).split('\n').find((l) => l.startsWith('net_namespace '));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/**
 * Waits (at most a minute) until the kernel has freed the namespaces of the round before: it does so in a worker
 * thread of its own, which would otherwise still be busy during the next round and count against it.
 */
async function settle(namespacesBefore: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await networkNamespaces()) > namespacesBefore && Date.now() < deadline) await sleep(500);
  await sleep(2000);
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const mb = (n: number) => `${(n / MB).toFixed(0)} MiB`;

interface RoundResult {
  startP50: number;
  startP95: number;
  echoP50: number;
  echoP99: number;
  worstLearnerP99: number;
  backendRss: number;
  /** The backend's CPU time (all its threads) while the learners typed. */
  backendCpuSeconds: number;
  backendCpuShare: number;
  workspaces: Usage;
  cpuShare: number;
}

async function round(backend: Backend, n: number, hostile: readonly Hostile[]): Promise<RoundResult> {
  const neighbours: ClassLearner[] = [];
  for (const kind of hostile) {
    const neighbour = new ClassLearner(backend.url, await learnerCookie(backend.url));
    await neighbour.ready();
    neighbour.startHostile(kind);
    neighbours.push(neighbour);
  }
  if (hostile.length) await sleep(3000); // let them reach their limits

  const cookies = await Promise.all(Array.from({ length: n }, () => learnerCookie(backend.url)));
  const learners = cookies.map((cookie) => new ClassLearner(backend.url, cookie));
  try {
    const starts = (await Promise.all(learners.map((l) => l.ready()))).sort((a, b) => a - b);
    await Promise.all(learners.map((l) => l.startServerAndClients()));

    const before = await workspaceUsage(backend.pid);
    const backendBefore = await cpuNanos(backend.pid);
    const wallStart = performance.now();
    const perLearner = await Promise.all(learners.map((l) => l.type(KEYS_PER_SECOND, TYPING_SECONDS, INTO_SHELL)));
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const after = await workspaceUsage(backend.pid);
    const backendCpuSeconds = ((await cpuNanos(backend.pid)) - backendBefore) / 1e9;
    const backendRss = await rssBytes(backend.pid);
    const backendCpuShare = backendCpuSeconds / wallSeconds / 2;
    return {
      ...summary(starts, perLearner, before, after, wallSeconds),
      backendRss,
      backendCpuSeconds,
      backendCpuShare,
    };
  } finally {
    for (const l of [...learners, ...neighbours]) l.close();
  }
}

function summary(
  starts: readonly number[],
  perLearner: readonly number[][],
  before: Sample,
  after: Sample,
  wallSeconds: number,
): Omit<RoundResult, 'backendRss' | 'backendCpuSeconds' | 'backendCpuShare'> {
  const all = perLearner.flat().sort((a, b) => a - b);
  const p99s = perLearner.map((xs) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      99,
    ),
  );
  return {
    startP50: percentile(starts, 50),
    startP95: percentile(starts, 95),
    echoP50: percentile(all, 50),
    echoP99: percentile(all, 99),
    worstLearnerP99: Math.max(...p99s),
    workspaces: { rss: after.rss, cpuSeconds: cpuBetween(before, after) },
    cpuShare: cpuBetween(before, after) / wallSeconds / 2,
  };
}

/**
 * Learners' browsers run on their own machines; here the bench's client shares two cores with the whole class. So
 * that it measures the lab and not its own wait for a CPU, its session (the kernel's autogroup) gets the weight of a
 * machine of its own: nice -20, as root. Without root the figures include that wait, and say so.
 */
function prioritizeClient(): void {
  try {
    writeFileSync('/proc/self/autogroup', '-20');
  } catch (error) {
    console.log(`(the client could not be given priority: ${(error as Error).message}; its own waits are included)`);
  }
}

async function main(): Promise<void> {
  prioritizeClient();
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  // BENCH_HOSTILE=memory,cpu picks the neighbours (all five by default), to find which of them costs the quiet ones.
  const chosen = (process.env['BENCH_HOSTILE'] ?? '')
    .split(',')
    .filter((k): k is Hostile => HOSTILE.includes(k as Hostile));
  const hostile = chosen.length > 0 ? chosen : HOSTILE;
  const pair: readonly (readonly Hostile[])[] = process.env['BENCH_QUIET_ONLY'] ? [[]] : [[], hostile];
  const rounds = Array.from({ length: REPEAT }, () => pair).flat();
  for (const n of sizes.length ? sizes : [30]) {
    const quietP99: number[] = [];
    const hostileP99: number[] = [];
    for (const hostile of rounds) {
      const namespaces = await networkNamespaces();
      const backend = await startBackend(
        [
          ...['--max-workspaces', String(n + 10), '--sandbox-uid-base', String(UID_BASE), '--idle-timeout', '600'],
          ...(POOLED ? ['--sandbox-pool', String(n + hostile.length)] : []),
        ],
        COURSE_EXAMPLES,
      );
      if (POOLED) await backend.logged(/sandbox pool full/);
      const idleRss = await rssBytes(backend.pid);
      try {
        const r = await round(backend, n, hostile);
        const label = hostile.length ? `${n} learners + ${hostile.length} hostile neighbours` : `${n} learners`;
        console.log(`\n## ${label}`);
        console.log(`workspace start        p50 ${ms(r.startP50)}  p95 ${ms(r.startP95)}`);
        console.log(
          `${INTO_SHELL ? 'echo at the shell    ' : 'keystroke echo       '}  p50 ${ms(r.echoP50)}  p99 ${ms(r.echoP99)}  worst learner p99 ${ms(r.worstLearnerP99)}`,
        );
        console.log(`backend RSS            ${mb(r.backendRss)} (idle ${mb(idleRss)})`);
        console.log(
          `backend CPU            ${(r.backendCpuSeconds * 1000).toFixed(0)} ms while typing (${(r.backendCpuShare * 100).toFixed(1)}% of 2 cores)`,
        );
        (hostile.length ? hostileP99 : quietP99).push(r.echoP99);
        console.log(
          `all workspaces         RSS ${mb(r.workspaces.rss)}, CPU ${(r.workspaces.cpuSeconds * 1000).toFixed(0)} ms while typing (${(r.cpuShare * 100).toFixed(1)}% of 2 cores)`,
        );
      } finally {
        await backend.close();
        await settle(namespaces);
      }
    }
    if (quietP99.length > 0 && hostileP99.length > 0) {
      const median = (xs: number[]) =>
        percentile(
          [...xs].sort((a, b) => a - b),
          50,
        );
      const ratio = median(hostileP99) / median(quietP99);
      const each =
        REPEAT > 1 ? `; quiet ${quietP99.map(ms).join(', ')}; beside them ${hostileP99.map(ms).join(', ')}` : '';
      console.log(
        `\nhostile neighbours change the quiet learners' echo p99 by ${ratio.toFixed(2)}x (target < 2x)` +
          (REPEAT > 1 ? ` (medians of ${REPEAT} rounds each${each})` : ''),
      );
    }
  }
}

await main();
