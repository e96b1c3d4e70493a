/**
 * The three terminal paths the bench compares, behind one shape: bare node-pty in this process (the floor), a naive
 * `ws` + node-pty server in its own process (bench/naive-server.ts), and the lab's backend through the page's own
 * LabSocket. Each session runs one program: `cat` echoing keys in raw mode, or the base64 flood.
 */
import type { ChildProcess } from 'node:child_process';
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
export const COMMAND_LINES: Record<Program, string> = { echo: ECHO_PROGRAM, flood: FLOOD_COMMAND };

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

/** How a WebSocket terminal server that runs one program per connection is spoken to (the naive server, ttyd). */
export interface Dialect {
  /** Where to connect for a session running `program`. */
  url(program: Program): string;
  protocols: string[];
  /** Sent once the socket is open, if the server waits for one before starting the program. */
  hello: string | null;
  /** The bytes of terminal output a message carries; 0 for a message of another kind. */
  outputBytes(data: Buffer): number;
  /** A message carrying typed text. */
  input(text: string): Buffer;
}

class SocketSession implements Session {
  onOutput: ((bytes: number) => void) | null = null;
  readonly #dialect: Dialect;
  readonly #name: string;
  #ws: NodeWebSocket | null = null;
  #closed: Promise<unknown> = Promise.resolve();

  constructor(name: string, dialect: Dialect) {
    this.#name = name;
    this.#dialect = dialect;
  }

  async start(program: Program): Promise<void> {
    const dialect = this.#dialect;
    const ws = new NodeWebSocket(dialect.url(program), dialect.protocols, { perMessageDeflate: false });
    this.#ws = ws;
    ws.on('error', (error) => console.error(`${this.#name}:`, error.message));
    ws.on('message', (data: Buffer) => {
      const bytes = dialect.outputBytes(data);
      if (bytes > 0) this.onOutput?.(bytes);
    });
    this.#closed = once(ws, 'close');
    await once(ws, 'open');
    if (dialect.hello !== null) ws.send(dialect.hello);
  }
  type(text: string): void {
    this.#ws?.send(this.#dialect.input(text));
  }
  async ended(): Promise<void> {
    await this.#closed;
  }
  close(): void {
    this.#ws?.close();
  }
}

/** The naive server (naive-server.ts): `?run=` names the program, every message is raw terminal bytes. */
const naiveDialect = (base: string): Dialect => ({
  url: (program) => `${base}/?run=${encodeURIComponent(COMMAND_LINES[program])}`,
  protocols: [],
  hello: null,
  outputBytes: (data) => data.length,
  input: (text) => Buffer.from(text),
});

/** A peer that is a server process of its own, spoken to in `dialect`; closing it stops the process. */
export function serverPeer(name: string, server: ChildProcess, dialect: Dialect): Peer {
  return {
    name,
    pid: server.pid as number,
    session: () => Promise.resolve(new SocketSession(`${name} peer`, dialect)),
    close: async () => {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    },
  };
}

export async function naive(): Promise<Peer> {
  const server = child('bench/naive-server.ts', []);
  const [{ port }] = (await once(server, 'message')) as [{ port: number }];
  return serverPeer('naive ws + node-pty', server, naiveDialect(`ws://127.0.0.1:${port}`));
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
