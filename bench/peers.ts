/**
 * The three terminal paths the bench compares, behind one shape: bare node-pty in this process (the floor), a naive
 * `ws` + node-pty server in its own process (bench/naive-server.ts), and the lab's backend through the page's own
 * LabSocket. Each session runs one program: `cat` echoing keys in raw mode, or the base64 flood.
 */
import { once } from 'node:events';
import type { IPty } from 'node-pty';
import NodeWebSocket from 'ws';
import {
  barePty,
  child,
  COMMANDS,
  ECHO_PROGRAM,
  FLOOD_COMMAND,
  Learner,
  learnerCookie,
  startBackend,
  type Backend,
} from './support.ts';

export type Program = 'echo' | 'flood';
const COMMAND_LINES: Record<Program, string> = { echo: ECHO_PROGRAM, flood: FLOOD_COMMAND };

export interface Session {
  /** Starts `program`; resolves once it runs. */
  start(program: Program): Promise<void>;
  type(text: string): void;
  /** Told the length of each piece of output. */
  onOutput: ((bytes: number) => void) | null;
  /** Resolves once the program has ended. */
  ended(): Promise<void>;
  close(): void;
}

export interface Peer {
  readonly name: string;
  /** The process that carries the terminal path, whose CPU time the bench reads; null for the bench itself. */
  readonly pid: number | null;
  /** A session, connected and ready to start a program. */
  session(): Promise<Session>;
  close(): Promise<void>;
}

class BareSession implements Session {
  onOutput: ((bytes: number) => void) | null = null;
  #pty: IPty | null = null;
  #exited: Promise<unknown> = Promise.resolve();

  start(program: Program): Promise<void> {
    const pty = barePty(COMMAND_LINES[program]);
    this.#pty = pty;
    pty.onData((data) => this.onOutput?.(data.length));
    this.#exited = new Promise((resolve) => pty.onExit(resolve));
    return Promise.resolve();
  }
  type(text: string): void {
    this.#pty?.write(text);
  }
  async ended(): Promise<void> {
    await this.#exited;
  }
  close(): void {
    this.#pty?.kill('SIGKILL');
  }
}

export const bare: Peer = {
  name: 'bare node-pty',
  pid: null,
  session: () => Promise.resolve(new BareSession()),
  close: () => Promise.resolve(),
};

class NaiveSession implements Session {
  onOutput: ((bytes: number) => void) | null = null;
  readonly #url: string;
  #ws: NodeWebSocket | null = null;
  #closed: Promise<unknown> = Promise.resolve();

  constructor(url: string) {
    this.#url = url;
  }

  async start(program: Program): Promise<void> {
    const ws = new NodeWebSocket(`${this.#url}/?run=${encodeURIComponent(COMMAND_LINES[program])}`, {
      perMessageDeflate: false,
    });
    this.#ws = ws;
    ws.on('error', (error) => console.error('naive peer:', error.message));
    ws.on('message', (data: Buffer) => this.onOutput?.(data.length));
    this.#closed = once(ws, 'close');
    await once(ws, 'open');
  }
  type(text: string): void {
    this.#ws?.send(Buffer.from(text));
  }
  async ended(): Promise<void> {
    await this.#closed;
  }
  close(): void {
    this.#ws?.close();
  }
}

export async function naive(): Promise<Peer> {
  const server = child('bench/naive-server.ts', []);
  const [{ port }] = (await once(server, 'message')) as [{ port: number }];
  return {
    name: 'naive ws + node-pty',
    pid: server.pid as number,
    session: () => Promise.resolve(new NaiveSession(`ws://127.0.0.1:${port}`)),
    close: async () => {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    },
  };
}

class LabSession implements Session {
  onOutput: ((bytes: number) => void) | null = null;
  readonly #learner: Learner;

  constructor(learner: Learner) {
    this.#learner = learner;
    learner.onOutput = (bytes) => this.onOutput?.(bytes.length);
  }

  async start(program: Program): Promise<void> {
    const learner = this.#learner;
    learner.socket.run('t1', COMMANDS[program]);
    await learner.until(() => learner.status === 'running');
  }
  type(text: string): void {
    this.#learner.socket.input('t1', text);
  }
  ended(): Promise<void> {
    return this.#learner.until(() => this.#learner.status === 'idle', 300_000);
  }
  close(): void {
    this.#learner.socket.close();
  }
}

export async function lab(): Promise<Peer & { backend: Backend }> {
  const backend = await startBackend();
  return {
    name: 'Socket Lab',
    pid: backend.pid,
    backend,
    session: async () => {
      const learner = new Learner(backend.url, await learnerCookie(backend.url));
      await learner.until(() => learner.status === 'idle', 120_000);
      return new LabSession(learner);
    },
    close: () => backend.close(),
  };
}
