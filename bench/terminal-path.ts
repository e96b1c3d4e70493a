/**
 * Figures for the whole terminal path (browser-side protocol client -> WebSocket -> backend -> sandboxed pty), each
 * beside a bare node-pty baseline measured in the same run on the same machine. Run on demand: `npm run bench`.
 * Prints figures and the ratios to the targets; it asserts nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  barePty,
  child,
  COMMANDS,
  ECHO_PROGRAM,
  FLOOD_BYTES,
  FLOOD_COMMAND,
  Learner,
  learnerCookie,
  percentile,
  rssBytes,
  startBackend,
  type Backend,
} from './support.ts';

const KEYSTROKES = Number(process.env['BENCH_KEYSTROKES'] ?? 1000);
const SESSIONS = 50;
const MB = 1024 * 1024;

const rows: string[][] = [];
const report = (what: string, lab: string, baseline: string, verdict = '') => rows.push([what, lab, baseline, verdict]);
const ms = (n: number) => `${n.toFixed(2)} ms`;
const target = (ok: boolean, text: string) => `${ok ? 'meets' : 'MISSES'} ${text}`;

async function echoLatency(backend: Backend): Promise<void> {
  const learner = new Learner(backend.url, await learnerCookie(backend.url));
  await learner.until(() => learner.status === 'idle');
  learner.socket.run('t1', COMMANDS.echo);
  await learner.until(() => learner.status === 'running');
  await sleep(300);
  const lab = await measureEcho(
    (key) => learner.socket.input('t1', key),
    (listener) => (learner.onOutput = listener),
  );
  learner.socket.close();

  const bare = barePty(ECHO_PROGRAM);
  await sleep(300);
  const base = await measureEcho(
    (key) => bare.write(key),
    (listener) => bare.onData((data) => listener(data as unknown as Uint8Array)),
  );
  bare.kill('SIGKILL');

  const p = (xs: number[], q: number) => percentile(xs, q);
  report(
    'keystroke echo p50',
    ms(p(lab, 50)),
    ms(p(base, 50)),
    target(p(lab, 50) <= 3 * p(base, 50), `<= 3x (${(p(lab, 50) / p(base, 50)).toFixed(2)}x)`),
  );
  report(
    'keystroke echo p99',
    ms(p(lab, 99)),
    ms(p(base, 99)),
    target(p(lab, 99) <= 1.5 * p(base, 99), `<= 1.5x (${(p(lab, 99) / p(base, 99)).toFixed(2)}x)`),
  );
}

/** Types KEYSTROKES keys one at a time, each after the previous one's echo; returns sorted round trips in ms. */
async function measureEcho(
  type: (key: string) => void,
  listen: (listener: (bytes: Uint8Array) => void) => void,
): Promise<number[]> {
  const times: number[] = [];
  let pending: (() => void) | null = null;
  listen(() => pending?.());
  for (let i = 0; i < KEYSTROKES; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const start = performance.now();
    await new Promise<void>((resolve) => {
      pending = resolve;
      type(key);
    });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function floodThroughput(backend: Backend): Promise<void> {
  const learner = new Learner(backend.url, await learnerCookie(backend.url));
  await learner.until(() => learner.status === 'idle');
  const start = performance.now();
  const before = learner.received;
  learner.socket.run('t1', COMMANDS.flood);
  await learner.until(() => learner.status === 'running');
  await learner.until(() => learner.status === 'idle', 300_000);
  const labSeconds = (performance.now() - start) / 1000;
  const labBytes = learner.received - before;
  learner.socket.close();

  const bare = barePty(FLOOD_COMMAND);
  const baseStart = performance.now();
  let baseBytes = 0;
  bare.onData((data) => (baseBytes += data.length));
  await new Promise((resolve) => bare.onExit(resolve));
  const baseSeconds = (performance.now() - baseStart) / 1000;

  const labRate = labBytes / MB / labSeconds;
  const baseRate = baseBytes / MB / baseSeconds;
  report(
    `flood throughput (${FLOOD_BYTES / 1e6} MB of base64 text)`,
    `${labRate.toFixed(1)} MiB/s`,
    `${baseRate.toFixed(1)} MiB/s`,
    target(labRate >= 0.9 * baseRate, `>= 0.9x (${(labRate / baseRate).toFixed(2)}x)`),
  );
}

async function ctrlC(backend: Backend): Promise<void> {
  const learner = new Learner(backend.url, await learnerCookie(backend.url));
  await learner.until(() => learner.status === 'idle');
  learner.socket.run('t1', COMMANDS.yes);
  await learner.until(() => learner.received > 5_000_000);
  const sent = performance.now();
  const before = learner.received;
  learner.socket.signal('t1', 'SIGINT');
  await learner.until(() => learner.status === 'idle');
  const labMs = performance.now() - sent;
  const labStale = learner.received - before;
  learner.socket.close();

  const bare = barePty('yes');
  let bytes = 0;
  bare.onData((data) => (bytes += data.length));
  while (bytes < 5_000_000) await sleep(5);
  const baseSent = performance.now();
  const baseBefore = bytes;
  const exited = new Promise((resolve) => bare.onExit(resolve));
  bare.write('\x03');
  await exited;
  report(
    'Ctrl-C stops a yes flood (time / stale bytes)',
    `${ms(labMs)} / ${((labStale / 1024) | 0).toString()} KiB`,
    `${ms(performance.now() - baseSent)} / ${(((bytes - baseBefore) / 1024) | 0).toString()} KiB`,
    'lab time includes the prompt coming back',
  );
}

async function stalledClient(backend: Backend): Promise<void> {
  const client = child('bench/stall-client.ts', [backend.url, await learnerCookie(backend.url)]);
  const messages: { type: string; bytes?: number }[] = [];
  const next = (type: string) =>
    new Promise<{ bytes?: number }>((resolve) => {
      const check = () => {
        const found = messages.find((m) => m.type === type);
        if (found) resolve(found);
        else setTimeout(check, 10);
      };
      check();
    });
  client.on('message', (message: { type: string }) => messages.push(message));
  await next('flowing');
  await sleep(500);
  const before = await rssBytes(backend.pid);
  client.kill('SIGSTOP');
  let peak = before;
  for (let i = 0; i < 30; i++) {
    await sleep(100);
    peak = Math.max(peak, await rssBytes(backend.pid));
  }
  client.kill('SIGCONT');
  client.send({ type: 'resumed' });
  const stale = (await next('stale')).bytes ?? NaN;

  const bare = barePty('yes');
  let bytes = 0;
  bare.onData((data) => (bytes += data.length));
  while (bytes < 1_000_000) await sleep(5);
  const baseBefore = process.memoryUsage.rss();
  bare.pause();
  let basePeak = baseBefore;
  for (let i = 0; i < 30; i++) {
    await sleep(100);
    basePeak = Math.max(basePeak, process.memoryUsage.rss());
  }
  const counted = bytes;
  bare.resume();
  const exited = new Promise((resolve) => bare.onExit(resolve));
  bare.write('\x03');
  await exited;
  const growth = (peak - before) / MB;
  report(
    'client frozen 3 s during a flood: backend RSS growth',
    `${growth.toFixed(2)} MiB`,
    `${((basePeak - baseBefore) / MB).toFixed(2)} MiB`,
    target(growth < 2, '< 2 MiB'),
  );
  report(
    '...then Ctrl-C: stale output still shown',
    `${((stale / 1024) | 0).toString()} KiB`,
    `${(((bytes - counted) / 1024) | 0).toString()} KiB`,
    'bounded by the 100 kB watermark',
  );
}

async function concurrentSessions(backend: Backend): Promise<void> {
  const rssBefore = await rssBytes(backend.pid);
  const start = performance.now();
  const learners = await Promise.all(
    Array.from({ length: SESSIONS }, async () => new Learner(backend.url, await learnerCookie(backend.url))),
  );
  await Promise.all(learners.map((l) => l.until(() => l.status === 'idle', 120_000)));
  const ready = performance.now() - start;
  // Every learner runs a program and stops it with Ctrl-C, all at once.
  const runStart = performance.now();
  const done = await Promise.all(
    learners.map(async (l) => {
      l.socket.run('t1', COMMANDS.cat);
      await l.until(() => l.status === 'running');
      // "running" comes as bash starts the command; a Ctrl-C that beats cat to the terminal is lost, so repeat it.
      const interrupt = setInterval(() => l.socket.signal('t1', 'SIGINT'), 100);
      l.socket.signal('t1', 'SIGINT');
      await l.until(() => l.status === 'idle');
      clearInterval(interrupt);
      return performance.now() - runStart;
    }),
  );
  const rssAfter = await rssBytes(backend.pid);
  for (const l of learners) l.socket.close();

  const bareStart = performance.now();
  const bares = Array.from({ length: SESSIONS }, () => barePty('exec bash --norc -i'));
  await Promise.all(
    bares.map(
      (b) =>
        new Promise<void>((resolve) => {
          const listener = b.onData(() => {
            listener.dispose();
            resolve();
          });
        }),
    ),
  );
  const bareReady = performance.now() - bareStart;
  for (const b of bares) b.kill('SIGKILL');
  const sorted = done.sort((a, b) => a - b);
  report(
    `${SESSIONS} learners at once: all shells ready`,
    ms(ready),
    ms(bareReady),
    `bare: ${SESSIONS} local bash in ptys`,
  );
  report(
    `${SESSIONS} learners run+stop a program at once (p50/p99)`,
    `${ms(percentile(sorted, 50))} / ${ms(percentile(sorted, 99))}`,
    '-',
  );
  report(
    `${SESSIONS} learners: backend RSS growth`,
    `${((rssAfter - rssBefore) / MB).toFixed(1)} MiB (${((rssAfter - rssBefore) / MB / SESSIONS).toFixed(2)} MiB each)`,
    '-',
    'sandboxed processes not included',
  );
}

/** `npm run bench -- keystroke` measures only what starts with that name. */
const only = process.argv[2];
const backend = await startBackend();
try {
  process.stdout.write(`Socket Lab terminal path vs bare node-pty, node ${process.version}\n`);
  for (const [name, measure] of [
    ['keystroke echo', echoLatency],
    ['flood throughput', floodThroughput],
    ['Ctrl-C on a flood', ctrlC],
    ['frozen client', stalledClient],
    [`${SESSIONS} concurrent learners`, concurrentSessions],
  ] as const) {
    if (only && !name.startsWith(only)) continue;
    process.stderr.write(`measuring ${name}...\n`);
    await measure(backend);
  }
} finally {
  await backend.close();
}
const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...[['', 'lab', 'bare node-pty', ''], ...rows].map((r) => (r[i] ?? '').length)),
);
for (const row of [['', 'lab', 'bare node-pty', 'target'], ...rows]) {
  process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}\n`);
}
process.exit(0);
