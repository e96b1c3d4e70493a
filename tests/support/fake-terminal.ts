/**
 * Terminal sessions without a real shell, for unit tests: a fake pty behind the session's spawn seam, a shell that
 * prints the marks the sandbox's bashrc prints, and a view that records what a connection would send.
 */
import type { IDisposable, IEvent, IPty } from 'node-pty';
import { createRecordingLogger } from '../../server/src/log.ts';
import type { ServerMessage } from '#protocol/messages.ts';
import type { DetachReason, TerminalSessionOptions, TerminalSink } from '../../server/src/terminal/session-contract.ts';
import { TerminalSession } from '../../server/src/terminal/terminal-session.ts';
import { Waiters } from './waiters.ts';

/** The OSC 133 marks of server/sandbox/bashrc. */
export const MARKS = {
  prompt: '\x1b]133;A\x07$ ',
  commandStart: '\x1b]133;C\x07',
  commandEnd: (code: number) => `\x1b]133;D;${code}\x07`,
} as const;

let nextPid = 40_000;

function emitter<T>(): { event: IEvent<T>; fire(value: T): void } {
  const listeners = new Set<(value: T) => unknown>();
  return {
    event: (listener): IDisposable => {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    fire: (value) => {
      for (const listener of [...listeners]) listener(value);
    },
  };
}

/** The parts of node-pty's IPty a terminal session uses, with the program's side in the test's hands. */
export class FakePty implements IPty {
  readonly pid = nextPid++;
  readonly process = 'bash';
  cols: number;
  rows: number;
  handleFlowControl = false;
  paused = false;
  /** Everything written to the pty (keys, Run's command lines), as bytes. */
  readonly written: Buffer[] = [];
  readonly #data = emitter<string>();
  readonly #exit = emitter<{ exitCode: number; signal?: number }>();
  readonly onData = this.#data.event;
  readonly onExit = this.#exit.event;

  constructor(cols: number, rows: number) {
    this.cols = cols;
    this.rows = rows;
  }

  /** The program prints `output` (bytes, or text taken as UTF-8), as node-pty hands it over with `encoding: null`. */
  print(output: string | Buffer): void {
    const bytes = typeof output === 'string' ? Buffer.from(output, 'utf8') : output;
    this.#data.fire(bytes as unknown as string);
  }

  exit(exitCode: number): void {
    this.#exit.fire({ exitCode });
  }

  /** What was written to the pty, as text. */
  typed(): string {
    return Buffer.concat(this.written).toString('utf8');
  }

  write(data: string | Buffer): void {
    this.written.push(Buffer.from(data));
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  clear(): void {}

  kill(): void {
    this.exit(137);
  }
}

/** A terminal session whose shells are fake ptys; ending a session hangs its shell up, as endSession does. */
export function fakeTerminal(options: Partial<TerminalSessionOptions> = {}) {
  const ptys: FakePty[] = [];
  const ended: number[] = [];
  const log = createRecordingLogger();
  const session = new TerminalSession({
    id: 't1',
    channel: 3,
    commands: [{ run: 'python3 server.py' }],
    scrollbackBytes: 64 * 1024,
    spawn: ({ cols, rows }) => {
      const pty = new FakePty(cols, rows);
      ptys.push(pty);
      return { pty, printed: [] };
    },
    endSession: async (leader) => {
      ended.push(leader);
      ptys.find((p) => p.pid === leader)?.exit(129);
    },
    signalForeground: async () => undefined,
    log,
    ...options,
  });
  /** The shell running now. */
  const pty = (): FakePty => {
    const last = ptys.at(-1);
    if (!last) throw new Error('no shell was started');
    return last;
  };
  return { session, ptys, pty, ended, log };
}

/** A view that records, in order, what the terminal sends it; `backlogBytes` plays a socket that stopped sending. */
export class RecordingSink implements TerminalSink {
  readonly frames: Buffer[] = [];
  readonly messages: ServerMessage[] = [];
  readonly detachedReasons: DetachReason[] = [];
  /** Frames and messages in the order they came: `frame` or the message's type. */
  readonly order: string[] = [];
  backlogBytes = 0;
  /** Calls `sent` of each frame at once, as a socket with room does. */
  autoSent = true;
  readonly unsent: (() => void)[] = [];
  readonly #waiters = new Waiters();

  output(frame: Buffer, sent: () => void): void {
    // Kept as a socket keeps it: once `sent` is called the pump may build its next frame in the same buffer.
    this.frames.push(Buffer.from(frame));
    this.order.push('frame');
    if (this.autoSent) sent();
    else this.unsent.push(sent);
    this.#waiters.notify();
  }

  backlog(): number {
    return this.backlogBytes;
  }

  control(message: ServerMessage): void {
    this.messages.push(message);
    this.order.push(message.type);
    this.#waiters.notify();
  }

  detached(reason: DetachReason): void {
    this.detachedReasons.push(reason);
    this.order.push(`detached ${reason}`);
    this.#waiters.notify();
  }

  /** The output received so far, as text (each frame's first byte is its channel). */
  text(): string {
    return Buffer.concat(this.frames.map((f) => f.subarray(1))).toString('utf8');
  }

  bytes(): number {
    return this.frames.reduce((sum, f) => sum + f.length - 1, 0);
  }

  /** The last status the terminal reported, by an `attached` or a `status` message. */
  status(): string | null {
    const last = this.messages.findLast((m) => m.type === 'status' || m.type === 'attached');
    return last && (last.type === 'status' || last.type === 'attached') ? last.status : null;
  }

  until(predicate: () => boolean, what: string): Promise<void> {
    return this.#waiters.until(predicate, what, 5000, () => `got ${JSON.stringify(this.order)}`);
  }
}

/** One turn of the event loop: output written in this turn has gone out as a frame after it. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
