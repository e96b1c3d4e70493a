/**
 * A class arriving: N learners (default 200; `node bench/arrivals.ts 50 200`) open a one-terminal lab, each at a
 * random moment within the same second, and the time from a learner's arrival to their prompt is taken. Once with
 * no sandbox pool (every sandbox started on arrival), once with a pool of N sandboxes started ahead (--sandbox-pool),
 * in the same run. Also printed: what the full pool costs while it waits (its processes and their PSS). Asserts
 * nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { learnerCookie, Learner, percentile, startBackend } from './support.ts';

const UID_BASE = 310_000;
const ARRIVAL_WINDOW_MS = 1000;
const MB = 1024 * 1024;

const load = () => `load ${loadavg()[0]?.toFixed(2)}`;
const ms = (n: number) => `${n.toFixed(0)} ms`;

/** Processes running as the bench's workspace uids, and the memory they hold (PSS). */
async function sandboxProcesses(n: number): Promise<{ count: number; pss: number }> {
  let count = 0;
  let pss = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    if (uid <= UID_BASE || uid > UID_BASE + 2 * n + 10) continue;
    count += 1;
    // Proportional: a page shared by k processes counts 1/k in each, so the sum is what they hold together.
    const rollup = await readFile(`/proc/${entry}/smaps_rollup`, 'utf8').catch(() => '');
    pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  }
  return { count, pss };
}

async function arrive(n: number, pool: number): Promise<number[]> {
  const backend = await startBackend([
    ...['--max-workspaces', String(n + 10), '--sandbox-uid-base', String(UID_BASE), '--idle-timeout', '600'],
    ...['--sandbox-pool', String(pool)],
  ]);
  const learners: Learner[] = [];
  try {
    if (pool > 0) {
      const started = performance.now();
      await backend.logged(/sandbox pool full/);
      const idle = await sandboxProcesses(n);
      console.log(
        `pool of ${pool} filled in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting, it holds ` +
          `${idle.count} processes, ${(idle.pss / MB).toFixed(0)} MiB PSS (${load()})`,
      );
    }
    const cookies = await Promise.all(Array.from({ length: n }, () => learnerCookie(backend.url)));
    const times = await Promise.all(
      cookies.map(async (cookie) => {
        await sleep(Math.random() * ARRIVAL_WINDOW_MS);
        const arrived = performance.now();
        const learner = new Learner(backend.url, cookie);
        learners.push(learner);
        await learner.until(() => learner.status === 'idle', 120_000, 'a prompt');
        return performance.now() - arrived;
      }),
    );
    return times.sort((a, b) => a - b);
  } finally {
    for (const learner of learners) learner.socket.close();
    await backend.close();
  }
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  for (const n of sizes.length ? sizes : [200]) {
    console.log(`\n## ${n} learners arriving within ${ARRIVAL_WINDOW_MS / 1000} s: arrival to prompt`);
    for (const pool of [0, n]) {
      const times = await arrive(n, pool);
      const label = pool ? `pool of ${pool} started ahead` : 'no pool (started on arrival)';
      console.log(
        `${label.padEnd(32)} p50 ${ms(percentile(times, 50))}  p95 ${ms(percentile(times, 95))}  ` +
          `max ${ms(times.at(-1) ?? NaN)}  (${load()})`,
      );
    }
  }
}

await main();
