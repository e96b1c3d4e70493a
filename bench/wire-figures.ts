/**
 * What the wire view costs: a terminal flood with the view capturing and without, both the plain flood (nothing on
 * the loopback) and the same bytes carried over the loopback first (every segment captured, parsed and sent to the
 * page, which acknowledges them as the wire pane does), taking turns so the machine's other load hits both alike.
 * Throughput with the view open should stay >= 0.9x of without it, and the backend's memory flat.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { COMMANDS, cpuNanos, FLOOD_BYTES, Learner, learnerCookie, rssBytes, type Backend } from './support.ts';
import type { Row } from './lab-figures.ts';

const ROUNDS = 3;
const MIB = 1024 * 1024;

interface Run {
  ms: number;
  /** CPU time of the backend, and of this process (the page's side: parsing and validating what arrives). */
  backendCpuMs: number;
  pageCpuMs: number;
  peakRss: number;
  segments: number;
  skipped: number;
}

async function floodOnce(backend: Backend, command: number, capture: boolean): Promise<Run> {
  const learner = new Learner(backend.url, await learnerCookie(backend.url));
  const socket = learner.socket;
  await learner.until(() => learner.status === 'idle', 120_000);
  const run: Run = { ms: 0, backendCpuMs: 0, pageCpuMs: 0, peakRss: 0, segments: 0, skipped: 0 };
  let capturing = false;
  if (capture) {
    socket.listenPane('wire', {
      event: (event) => {
        if (event.kind === 'capture-state') capturing = event.state === 'on';
        if (event.kind === 'capture-skipped') run.skipped += event.count;
        if (event.kind !== 'capture-segments') return;
        run.segments += event.segments.length;
        socket.sendCapture({ type: 'capture-ack', pane: 'wire', segments: event.segments.length });
      },
      error: (code, message) => process.stderr.write(`wire pane: [${code}] ${message}\n`),
    });
    socket.sendCapture({ type: 'capture-open', pane: 'wire' });
    // Pane events do not wake the terminal's waiters: looked at until the capture listens.
    for (let waited = 0; !capturing; waited += 20) {
      if (waited > 30_000) throw new Error('the capture did not start');
      await sleep(20);
    }
  }
  const start = performance.now();
  const backendCpu = await cpuNanos(backend.pid);
  const pageCpu = process.cpuUsage();
  learner.socket.run('t1', command);
  await learner.until(() => learner.status === 'running');
  let done = false;
  const sampling = (async () => {
    while (!done) {
      run.peakRss = Math.max(run.peakRss, await rssBytes(backend.pid));
      await sleep(50);
    }
  })();
  await learner.until(() => learner.status === 'idle', 300_000);
  run.ms = performance.now() - start;
  run.backendCpuMs = ((await cpuNanos(backend.pid)) - backendCpu) / 1e6;
  const page = process.cpuUsage(pageCpu);
  run.pageCpuMs = (page.user + page.system) / 1000;
  done = true;
  await sampling;
  if (learner.received < FLOOD_BYTES) throw new Error(`the flood brought only ${learner.received} bytes`);
  socket.close();
  return run;
}

export async function wireFigures(backend: Backend): Promise<Row[]> {
  const rows: Row[] = [];
  const before = await rssBytes(backend.pid);
  for (const [what, command] of [
    ['terminal flood', COMMANDS.flood],
    ['flood over the loopback', COMMANDS.loopbackFlood],
  ] as const) {
    const off: Run[] = [];
    const on: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      off.push(await floodOnce(backend, command, false));
      on.push(await floodOnce(backend, command, true));
    }
    const rate = (runs: Run[]) => (runs.length * FLOOD_BYTES) / 1e6 / (runs.reduce((t, r) => t + r.ms, 0) / 1000);
    const ratio = rate(on) / rate(off);
    const cpu = (runs: Run[], key: 'backendCpuMs' | 'pageCpuMs') =>
      (runs.reduce((t, r) => t + r[key], 0) / runs.length).toFixed(0);
    const peak = (runs: Run[]) => Math.max(...runs.map((r) => r.peakRss));
    const captured = on.reduce((n, r) => n + r.segments, 0) / ROUNDS;
    const skipped = on.reduce((n, r) => n + r.skipped, 0) / ROUNDS;
    rows.push(
      [
        `${what}: MB/s, wire view open / closed`,
        `${rate(on).toFixed(1)} / ${rate(off).toFixed(1)}`,
        '-',
        `${ratio >= 0.9 ? 'meets' : 'MISSES'} >= 0.9x (${ratio.toFixed(2)}x)`,
      ],
      [
        `${what}: CPU ms a run, backend / page, open vs closed`,
        `${cpu(on, 'backendCpuMs')} / ${cpu(on, 'pageCpuMs')} vs ${cpu(off, 'backendCpuMs')} / ${cpu(off, 'pageCpuMs')}`,
        '-',
        'the machine is shared: CPU is steadier than time',
      ],
      [
        `${what}: segments shown / skipped, a run`,
        `${captured.toFixed(0)} / ${skipped.toFixed(0)}`,
        '-',
        'what flow control let through',
      ],
      [
        `${what}: backend peak RSS, open / closed`,
        `${(peak(on) / MIB).toFixed(1)} / ${(peak(off) / MIB).toFixed(1)} MiB`,
        '-',
        `${peak(on) - peak(off) < 16 * MIB ? 'flat' : 'GROWS'} (< 16 MiB more, GC noise; ${(before / MIB).toFixed(1)} before)`,
      ],
    );
  }
  return rows;
}
