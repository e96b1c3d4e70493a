/**
 * One learner of the classroom benchmark on lesson 1's lab, through LabSocket (the page's own protocol client): its
 * four terminals, the server and two clients started by the lab's own commands, and typing timed key by key.
 */
import type { LabSocket } from '../src/components/lab/lab-socket.ts';
import { PageTerminal, pageSocket } from './support.ts';

const LAB = '01-first-client-server';
const TERMINALS = ['t1', 't2', 't3', 't4'] as const;
/** Two hundred learners arriving at once on two cores take their time. */
const WAIT_MS = 120_000;
type TerminalId = (typeof TERMINALS)[number];
/** The lab's commands: t1 "python3 server.py", t2 and t3 "python3 client.py". */
const PYTHON_SERVER = 1;
const PYTHON_CLIENT = 0;

/** What a hostile neighbour runs. */
export const HOSTILE = ['memory', 'processes', 'cpu', 'cpu', 'disk'] as const;
export type Hostile = (typeof HOSTILE)[number];
const HOSTILE_COMMANDS: Record<Hostile, string> = {
  // Grows to 4 GiB unless stopped, again and again.
  memory: `while :; do python3 -c 'b=[bytearray(64<<20) for _ in range(64)]'; done`,
  processes: 'for i in $(seq 2000); do sleep 600 & done',
  cpu: 'for i in 1 2 3 4 5 6 7 8; do (while :; do :; done) & done',
  disk: 'while :; do head -c 2G /dev/zero > fill; rm -f fill; done',
};

export class ClassLearner {
  readonly #socket: LabSocket;
  readonly #views = new Map<TerminalId, PageTerminal>();
  readonly #created = performance.now();

  constructor(url: string, cookie: string) {
    this.#socket = pageSocket(url, cookie, LAB);
    for (const id of TERMINALS) {
      const view = new PageTerminal((bytes) => this.#socket.ack(id, bytes));
      this.#views.set(id, view);
      this.#socket.attach(id, view, 100, 30);
    }
  }

  #view(id: TerminalId): PageTerminal {
    return this.#views.get(id) as PageTerminal;
  }

  /** Resolves with the ms from opening the lab to every terminal at its prompt. */
  async ready(): Promise<number> {
    await Promise.all(
      TERMINALS.map((id) => this.#view(id).until(() => this.#view(id).status === 'idle', WAIT_MS, 'a prompt')),
    );
    return performance.now() - this.#created;
  }

  async startServerAndClients(): Promise<void> {
    this.#socket.run('t1', PYTHON_SERVER);
    await this.#view('t1').until(() => this.#view('t1').text.includes('2333'), WAIT_MS, 'the server to listen');
    for (const id of ['t2', 't3'] as const) {
      this.#socket.run(id, PYTHON_CLIENT);
      await this.#view(id).until(() => this.#view(id).status === 'running', WAIT_MS, 'a client');
    }
    // Client 1 is accepted; client 2 waits in the backlog, as lesson 1 shows (the server serves one at a time).
    await this.#view('t1').until(
      () => (this.#view('t1').text.match(/127\.0\.0\.1:\d+/g) ?? []).length >= 2,
      WAIT_MS,
      'client 1 to be accepted',
    );
  }

  /** Busy loops run in every terminal (each is its own session, which the kernel's autogroup would favour). */
  startHostile(kind: Hostile): void {
    for (const id of kind === 'cpu' ? TERMINALS : (['t4'] as const)) {
      this.#socket.input(id, `${HOSTILE_COMMANDS[kind]}\r`);
    }
  }

  /**
   * Types at `perSecond` keys a second for `seconds`; resolves with each key's echo time in ms. Into client 1 (its
   * input() reads a line: the kernel's tty echoes each key), or with `intoShell` at the idle terminal's shell prompt,
   * where bash itself echoes each key: a program of the learner's has to be woken and run for every one.
   */
  async type(perSecond: number, seconds: number, intoShell = false): Promise<number[]> {
    const id: TerminalId = intoShell ? 't4' : 't2';
    const view = this.#view(id);
    const times: number[] = [];
    // Learners do not type in step: each starts at its own moment within the first second.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
    for (let i = 0; i < perSecond * seconds; i += 1) {
      const start = performance.now();
      const echoed = new Promise<void>((resolve) => (view.onOutput = () => resolve()));
      // At the shell, Ctrl-U (erase the line) instead of Enter: bash would run the letters as a command.
      const endOfLine = intoShell ? '\x15' : '\r';
      this.#socket.input(id, i % 20 === 19 ? endOfLine : String.fromCharCode(97 + (i % 26)));
      await echoed;
      times.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 / perSecond - (performance.now() - start))));
    }
    view.onOutput = null;
    return times;
  }

  close(): void {
    this.#socket.close();
  }
}
