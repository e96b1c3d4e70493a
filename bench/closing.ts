/**
 * Closing a class: N learners (default 200; `node bench/closing.ts 50 200`) each open lesson 1's lab (four
 * terminals) and wait for their prompts; then the lab is stopped (SIGTERM) with every workspace running. Printed,
 * from one run:
 * - what one look for a terminal's processes costs with the class running: through its workspace's cgroup beside a
 *   scan of all of /proc (what it did before, and still does without cgroups); a closing workspace looks twice for
 *   all its terminals (once to hang them up, once to see nothing is left), and while something is left, again (20 ms,
 *   then up to 160 ms apart) with one look for all of them, as a terminal restarted alone does for itself;
 * - the time from SIGTERM to the backend's exit, and the CPU time the backend spent in it (the rest is the
 *   kernel and the ending processes'), with cgroups, and for the same class under --no-limits (no cgroups, no disks:
 *   the /proc scans, without the cost of unmounting disks and removing groups).
 * Asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sessionProcesses } from '../server/src/sandbox/processes.ts';
import { cgroupDirsOf, processesOf } from '../tests/support/host-processes.ts';
import { ClassLearner } from './class-learner.ts';
import { COURSE_EXAMPLES, learnerCookie, percentile, startBackend, type Backend } from './support.ts';

const UID_BASE = 300_000;
/** The pages' own goodbye (a save of each workspace's files) is over before the stop is timed. */
const SETTLE_MS = 3000;
const LOOKS = 20;
const CPU_POLL_MS = 20;
/** USER_HZ: the unit of /proc's CPU times (getconf CLK_TCK), 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_S = 100;

const load = () => `load ${loadavg()[0]?.toFixed(2)}`;
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** A terminal's session leader (nsenter, on the host) in the first workspace, and that workspace's cgroup.procs. */
async function firstTerminal(): Promise<{ leader: number; procs: string }> {
  for (const pid of await processesOf(UID_BASE + 1)) {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (stat.includes('(nsenter)') && Number(fields[3]) === pid) {
      const pids = (await cgroupDirsOf(pid)).get('pids');
      if (pids) return { leader: pid, procs: `${pids}/cgroup.procs` };
    }
  }
  throw new Error('no terminal found in workspace 1');
}

/** Median time of one look for the leader's session, through the cgroup and through /proc. */
async function looks(): Promise<{ cgroup: number; proc: number; pids: number }> {
  const { leader, procs } = await firstTerminal();
  // A new scope for each look: a look is shared for a few milliseconds by the terminals of the same scope.
  const scope = () => () => readFileSync(procs, 'latin1').split('\n').filter(Boolean).map(Number);
  const time = async (look: () => Promise<number[]>) => {
    const times: number[] = [];
    for (let i = 0; i < LOOKS; i++) {
      const start = performance.now();
      await look();
      times.push(performance.now() - start);
    }
    return percentile(
      times.sort((a, b) => a - b),
      50,
    );
  };
  const cgroup = await time(() => sessionProcesses(leader, scope()));
  const proc = await time(() => sessionProcesses(leader, null));
  const pids = (await readFile('/proc/loadavg', 'latin1')).split(' ')[3]?.split('/')[1];
  return { cgroup, proc, pids: Number(pids) };
}

/**
 * The CPU time `pid` has used so far, in ms, its threads' and its ended threads' together (utime + stime of
 * /proc/<pid>/stat, in clock ticks); null once it is gone. One small read: reading each of the backend's threads
 * (node-pty has one per terminal, 800 here) every poll had taken a quarter of a core from the stop it measured.
 */
async function processCpuMs(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => null);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

/** Stops the backend; resolves with the wall time and the CPU time it spent meanwhile (up to its last poll). */
async function stop(backend: Backend): Promise<{ ms: number; backendCpuMs: number }> {
  const before = (await processCpuMs(backend.pid)) ?? 0;
  let last = before;
  const started = performance.now();
  let exited = false;
  const closed = backend.close().then(() => (exited = true));
  while (!exited) {
    last = (await processCpuMs(backend.pid)) ?? last;
    await sleep(CPU_POLL_MS);
  }
  await closed;
  return { ms: performance.now() - started, backendCpuMs: last - before };
}

async function stopClass(
  n: number,
  args: readonly string[],
  measureLooks: boolean,
): Promise<{ ms: number; backendCpuMs: number }> {
  const backend = await startBackend(
    ['--max-workspaces', String(n + 10), '--sandbox-uid-base', String(UID_BASE), '--idle-timeout', '600', ...args],
    COURSE_EXAMPLES,
  );
  const cookies = await Promise.all(Array.from({ length: n }, () => learnerCookie(backend.url)));
  const learners = cookies.map((cookie) => new ClassLearner(backend.url, cookie));
  await Promise.all(learners.map((l) => l.ready()));
  if (measureLooks) {
    const l = await looks();
    console.log(
      `one look for a terminal's processes: cgroup ${ms(l.cgroup)}, /proc scan ${ms(l.proc)} ` +
        `(${(l.proc / l.cgroup).toFixed(0)}x; ${l.pids} tasks on the machine; ${load()})`,
    );
  }
  // The pages go first (they would only try to reconnect); their workspaces live on until the idle timeout.
  for (const l of learners) l.close();
  await sleep(SETTLE_MS);
  return stop(backend);
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  for (const n of sizes.length ? sizes : [200]) {
    console.log(`\n## stopping the lab with ${n} workspaces (4 terminals each) running`);
    const line = (what: string, r: { ms: number; backendCpuMs: number }) =>
      console.log(
        `SIGTERM to exit, ${what.padEnd(28)} ${(r.ms / 1000).toFixed(2)} s, ` +
          `backend CPU ${(r.backendCpuMs / 1000).toFixed(2)} s  (${load()})`,
      );
    line('with cgroups and disks', await stopClass(n, [], true));
    line('--no-limits (/proc scans)', await stopClass(n, ['--no-limits'], false));
  }
}

await main();
