/**
 * The terminal-path figures only the lab has a part in: Ctrl-C on a flood, and a page that freezes during one (flow
 * control). Each beside what bare node-pty does; each returns table rows (what, lab, bare node-pty, target).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { barePty, child, COMMANDS, Learner, learnerCookie, rssBytes, type Backend } from './support.ts';
import { wireFigures } from './wire-figures.ts';

const MB = 1024 * 1024;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const kib = (n: number) => `${((n / 1024) | 0).toString()} KiB`;

export type Row = [string, string, string, string];

async function ctrlC(backend: Backend): Promise<Row[]> {
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
  return [
    [
      'Ctrl-C stops a yes flood (time / stale bytes)',
      `${ms(labMs)} / ${kib(labStale)}`,
      `${ms(performance.now() - baseSent)} / ${kib(bytes - baseBefore)}`,
      'lab time includes the prompt coming back',
    ],
  ];
}

async function stalledClient(backend: Backend): Promise<Row[]> {
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
  return [
    [
      'page frozen 3 s during a flood: backend RSS growth',
      `${growth.toFixed(2)} MiB`,
      `${((basePeak - baseBefore) / MB).toFixed(2)} MiB`,
      `${growth < 2 ? 'meets' : 'MISSES'} < 2 MiB`,
    ],
    [
      '...then Ctrl-C: stale output still shown',
      kib(stale),
      kib(bytes - counted),
      `${stale < 4 * MB ? 'meets' : 'MISSES'} < 4 MiB`,
    ],
  ];
}

export async function labOnlyFigures(backend: Backend, only: string | undefined): Promise<Row[]> {
  const rows: Row[] = [];
  if (!only || 'ctrl-c'.startsWith(only)) {
    process.stderr.write('measuring Ctrl-C on a flood...\n');
    rows.push(...(await ctrlC(backend)));
  }
  if (!only || 'frozen'.startsWith(only)) {
    process.stderr.write('measuring a frozen page...\n');
    rows.push(...(await stalledClient(backend)));
  }
  if (!only || 'wire'.startsWith(only)) {
    process.stderr.write('measuring floods with the wire view open and closed...\n');
    rows.push(...(await wireFigures(backend)));
  }
  return rows;
}
