/**
 * What the benchmark drives: the real backend in its own process (so its memory can be read apart from the
 * client's), learners connected through the browser's own protocol client, and bare node-pty terminals as the
 * baseline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as pty from 'node-pty';
import NodeWebSocket from 'ws';
import { AckBatcher } from '../src/components/lab/ack-batcher.ts';
import { LabSocket, type TerminalEvents } from '../src/components/lab/lab-socket.ts';
import type { TerminalStatus } from '#protocol/messages.ts';
import { Waiters } from '../tests/support/waiters.ts';

const ROOT = path.join(import.meta.dirname, '..');
export const LAB = '01-bench';
/** In raw mode without echo, `cat` echoes each keystroke itself, as an interactive program does. */
export const ECHO_PROGRAM = 'stty raw -echo; exec cat';
export const FLOOD_BYTES = 50_000_000;
/**
 * 50 MB of base64 text in 16 KiB lines. Long lines keep the kernel's pty from being the bottleneck (`yes` prints
 * 2-byte lines, which cost the line discipline more than the WebSocket path), so the figure shows the lab's cost.
 */
export const FLOOD_COMMAND = `head -c ${(FLOOD_BYTES / 4) * 3} /dev/zero | base64 -w 16384`;

/**
 * The same flood, but carried over the workspace's loopback first (nc to nc on 127.0.0.1:2399) before it reaches the
 * terminal: what a wire view open on it has to capture (about 800 segments of up to 64 KiB, and their ACKs).
 */
export const LOOPBACK_FLOOD_COMMAND =
  `(sleep 0.3; head -c ${(FLOOD_BYTES / 4) * 3} /dev/zero | base64 -w 16384 | nc -N 127.0.0.1 2399) & ` +
  'nc -l 127.0.0.1 2399';

/** Commands of the benchmark lab's terminal, by index. */
export const COMMANDS = { echo: 0, flood: 1, yes: 2, cat: 3, loopbackFlood: 4 } as const;

export interface Backend {
  url: string;
  pid: number;
  /** Resolves once the backend's log has had a line matching `pattern`. */
  logged(pattern: RegExp): Promise<void>;
  close(): Promise<void>;
}

/** The course's own lessons, for benchmarks that run what a class runs. */
export const COURSE_EXAMPLES = path.join(ROOT, 'examples');

/** A one-terminal lab with the programs the terminal-path figures need. */
async function benchExamples(): Promise<string> {
  const examples = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-bench-'));
  await mkdir(path.join(examples, LAB));
  await writeFile(
    path.join(examples, LAB, 'lab.json'),
    JSON.stringify({
      terminals: [
        {
          id: 't1',
          title: { 'zh-CN': '测试', en: 'bench' },
          commands: [
            { run: ECHO_PROGRAM },
            { run: FLOOD_COMMAND },
            { run: 'yes' },
            { run: 'cat' },
            { run: LOOPBACK_FLOOD_COMMAND },
          ],
        },
      ],
      panes: [{ kind: 'wire', id: 'wire', title: { 'zh-CN': '抓包', en: 'Wire' }, port: 2399 }],
    }),
  );
  return examples;
}

/** The backend in its own process, on the bench lab or on `examplesDir`, with a throwaway store. */
export async function startBackend(extra: string[] = [], examplesDir?: string): Promise<Backend> {
  const examples = examplesDir ?? (await benchExamples());
  // The bench's learners and their work are thrown away with it, never mixed into a real class's store.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-bench-data-'));
  // BENCH_PROFILE=<dir> writes a CPU profile of the backend there (node --cpu-prof) when it stops.
  const profile = process.env['BENCH_PROFILE'];
  const child = spawn(
    process.execPath,
    [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      ...(process.env['BENCH_NODE_FLAGS']?.split(' ').filter(Boolean) ?? []),
      'server/src/cli.ts',
      'start',
      '--port',
      '0',
      '--examples-dir',
      examples,
      '--data-dir',
      dataDir,
      '--max-workspaces',
      '260',
      ...extra,
      // BENCH_LAB_FLAGS="--cpu-limit 2" gives the lab more options (after the bench's own, so they win), to compare.
      ...(process.env['BENCH_LAB_FLAGS']?.split(' ').filter(Boolean) ?? []),
    ],
    {
      cwd: ROOT,
      // BENCH_NODE_FLAGS gives the backend's node more flags (`--trace-gc`: its collections), whose output shows.
      stdio: ['ignore', process.env['BENCH_NODE_FLAGS'] ? 'inherit' : 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    },
  );
  // A bench that dies of an error still stops its backend, which would otherwise serve on with nobody to use it.
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  let log = '';
  const waiters = new Waiters();
  child.stderr?.on('data', (chunk: Buffer) => {
    // The recent log only: a long run would otherwise keep all of it.
    log = (log + chunk.toString()).slice(-100_000);
    waiters.notify();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`backend exited (${code}):\n${log}`));
    child.once('exit', exited);
    void waiters
      .until(
        () => /serving http:\/\/[\d.:]+\//.test(log),
        'the backend to serve',
        120_000,
        () => log.slice(-500),
      )
      .then(() => {
        child.removeListener('exit', exited);
        resolve(/serving (http:\/\/[\d.:]+)\//.exec(log)?.[1] as string);
      }, reject);
  });
  // BENCH_LOG=1 shows the backend's log.
  if (process.env['BENCH_LOG']) child.stderr?.pipe(process.stderr);
  return {
    url,
    pid: child.pid as number,
    logged: (pattern) =>
      waiters.until(
        () => pattern.test(log),
        `a log line matching ${pattern}`,
        600_000,
        () => log.slice(-500),
      ),
    close: async () => {
      process.removeListener('exit', stopOnExit);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      if (!examplesDir) await rm(examples, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

/** CPU time in ns that process `pid` has used so far, all its threads (the kernel's schedstat, not 10 ms ticks). */
export async function cpuNanos(pid: number): Promise<number> {
  let total = 0;
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${task}/schedstat`, 'latin1').catch(() => '0');
    total += Number(stat.split(' ')[0]);
  }
  return total;
}

/** `pid` and every process below it (its shells and their programs), by pid. */
export async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'latin1').catch(() => '');
    parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

export async function learnerCookie(url: string): Promise<string> {
  const response = await fetch(`${url}/_lab/session`, { method: 'POST', headers: { origin: url } });
  return (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

/**
 * One terminal as the page shows it, minus xterm.js: its status, what it printed (the last few KiB as text), and
 * acknowledgements sent the way the page sends them (AckBatcher), the bytes counting as drawn at once. Every
 * benchmark's client terminal is one of these.
 */
export class PageTerminal implements TerminalEvents {
  status: TerminalStatus | null = null;
  received = 0;
  /** The end of what it printed, for waiting on a line. */
  text = '';
  /** When false, output is not acknowledged: a page that stopped drawing. */
  acking = true;
  onOutput: ((bytes: Uint8Array) => void) | null = null;
  readonly #acks: AckBatcher;
  readonly #waiters = new Waiters();
  readonly #decoder = new TextDecoder();

  constructor(ack: (bytes: number) => void) {
    this.#acks = new AckBatcher(ack);
  }

  attached(info: { status: TerminalStatus }): void {
    this.status = info.status;
    this.#waiters.notify();
  }
  output(bytes: Uint8Array): void {
    this.received += bytes.length;
    this.text = (this.text + this.#decoder.decode(bytes, { stream: true })).slice(-4000);
    this.onOutput?.(bytes);
    if (this.acking) this.#acks.drawn(bytes.length);
    this.#waiters.notify();
  }
  statusChanged(status: TerminalStatus): void {
    this.status = status;
    this.#waiters.notify();
  }
  detached(): void {}
  error(code: string, message: string): void {
    throw new Error(`${code}: ${message}`);
  }

  flushAcks(): void {
    this.#acks.flush();
  }

  until(predicate: () => boolean, ms = 60_000, what = 'the terminal'): Promise<void> {
    return this.#waiters.until(predicate, what, ms, () => `status ${this.status}: ${this.text.slice(-300)}`);
  }
}

/** The page's own protocol client on `lab`, speaking from `url`'s origin with the learner's cookie. */
export function pageSocket(url: string, cookie: string, lab: string): LabSocket {
  return new LabSocket({
    url: `${url.replace(/^http/, 'ws')}/_lab/ws?lab=${lab}`,
    open: (u) =>
      process.env['BENCH_WS'] === 'undici'
        ? new WebSocket(u, { headers: { cookie, origin: url } } as unknown as string[])
        : (new NodeWebSocket(u, {
            headers: { cookie, origin: url },
            perMessageDeflate: false,
          }) as unknown as WebSocket),
  });
}

/** One learner's terminal t1 of the bench lab, through LabSocket: the code the browser runs, minus xterm.js. */
export class Learner extends PageTerminal {
  readonly socket: LabSocket;

  constructor(url: string, cookie: string) {
    const socket = pageSocket(url, cookie, LAB);
    super((bytes) => socket.ack('t1', bytes));
    this.socket = socket;
    socket.attach('t1', this, 120, 40);
  }
}

/** The baseline: node-pty straight to a local program, no sandbox, no WebSocket, no decoding. */
export function barePty(command: string): pty.IPty {
  return pty.spawn('/bin/bash', ['-c', command], {
    name: 'xterm-256color',
    cols: 120,
    rows: 40,
    cwd: os.tmpdir(),
    env: { PATH: '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8' },
    encoding: null,
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export function child(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [file, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
}
