/**
 * One terminal of a workspace: a shell in a pseudo-terminal, what it printed recently, and the one browser view
 * attached to it. Output flows pty -> decoder -> attached browser, with watermark flow control: the pty is not read
 * while the browser has too much unacknowledged output (or while no browser is attached), so a flooding program
 * blocks in write() instead of growing the backend's memory, and Ctrl-C, which travels the other way, still stops it.
 */
import type { IPty } from 'node-pty';
import type { Logger } from '../log.ts';
import type { LabCommand } from '#protocol/lab-manifest.ts';
import {
  FLOW_CONTROL,
  type ServerMessage,
  type TerminalEncoding,
  type TerminalSignal,
  type TerminalStatus,
} from '#protocol/messages.ts';
import { createCodec, decodeReplay, type TerminalCodec } from './encodings.ts';
import { ReplayBuffer } from './replay-buffer.ts';
import { ShellMarkScanner, type ShellMark } from './shell-marks.ts';

/** Where an attached browser view receives this terminal's output and notices. */
export interface TerminalSink {
  /** A binary frame, ready to send; `sent` is called once it has left for the network. */
  output(frame: Buffer, sent: () => void): void;
  /** Bytes handed to the connection and not yet on their way (a browser that stopped reading piles them up). */
  backlog(): number;
  control(message: ServerMessage): void;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface TerminalSessionOptions {
  id: string;
  channel: number;
  commands: readonly LabCommand[];
  scrollbackBytes: number;
  /** Starts the shell. */
  spawn(size: TerminalSize): IPty;
  /** Ends every process of the terminal's session (the shell and all it started): SIGHUP, then SIGKILL. */
  endSession(sessionLeader: number): Promise<void>;
  /** Signals the terminal's foreground process group directly, as the terminal would on the key. */
  signalForeground(sessionLeader: number, signal: TerminalSignal): Promise<void>;
  log: Logger;
}

export class SessionError extends Error {
  readonly code: 'unknown-command' | 'busy';
  constructor(code: 'unknown-command' | 'busy', message: string) {
    super(message);
    this.code = code;
  }
}

/** What the terminal line discipline turns into each signal (stty's intr, quit and susp). */
const SIGNAL_KEYS: Record<TerminalSignal, string> = { SIGINT: '\x03', SIGQUIT: '\x1c', SIGTSTP: '\x1a' };
/** Readline's unix-line-discard: clears whatever the learner left typed at the prompt before Run types. */
const CLEAR_LINE = '\x15';
/** Typed or pasted input a program has not read yet, held at most. */
const MAX_PENDING_INPUT = 256 * 1024;

/**
 * Input node-pty could not hand to the pty yet: a program that does not read its input leaves it in node-pty's
 * private write queue, which is the only place that shows it. If node-pty stops exposing it, this says 0 and the
 * limit test (tests/integration/terminals.test.ts) fails.
 */
function pendingInput(pty: IPty): number {
  const queue = (pty as unknown as { _writeStream?: { _writeQueue?: unknown } })._writeStream?._writeQueue;
  if (!Array.isArray(queue)) return 0;
  return queue.reduce((sum: number, task: { buffer?: Buffer; offset?: number }) => {
    return sum + (task.buffer?.length ?? 0) - (task.offset ?? 0);
  }, 0);
}

export class TerminalSession {
  readonly id: string;
  readonly channel: number;
  readonly #options: TerminalSessionOptions;
  #pty: IPty | null = null;
  #started = false;
  #ptyExited: Promise<void> = Promise.resolve();
  #status: TerminalStatus = 'starting';
  #exitCode: number | null = null;
  #commandRunning = false;
  #pendingCommand: string | null = null;
  #codec: TerminalCodec = createCodec('utf-8');
  readonly #replay: ReplayBuffer;
  #marks = new ShellMarkScanner();
  #size: TerminalSize = { cols: 80, rows: 24 };
  #sink: TerminalSink | null = null;
  /** Output read this turn of the event loop, sent as one frame when the turn ends. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #flushScheduled = false;
  #unacked = 0;
  #paused = false;
  #restarting: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: TerminalSessionOptions) {
    this.id = options.id;
    this.channel = options.channel;
    this.#options = options;
    this.#replay = new ReplayBuffer(options.scrollbackBytes);
  }

  get status(): TerminalStatus {
    return this.#status;
  }

  get attached(): boolean {
    return this.#sink !== null;
  }

  /** Host pid of the pty's first process: the leader of the terminal's session. */
  get pid(): number | null {
    return this.#pty?.pid ?? null;
  }

  /** Shows this terminal in `sink`, taking it over from any other view, and starts the shell on first use. */
  attach(sink: TerminalSink, size: TerminalSize): void {
    if (this.#closed) {
      sink.control({ type: 'detached', terminal: this.id, reason: 'workspace-ended' });
      return;
    }
    const previous = this.#sink;
    this.#sink = sink;
    if (previous && previous !== sink) previous.control({ type: 'detached', terminal: this.id, reason: 'replaced' });
    this.resize(size);
    if (!this.#started) this.#start();
    this.#redraw();
  }

  detach(sink: TerminalSink): void {
    if (this.#sink !== sink) return;
    this.#sink = null;
    this.#updateFlow();
  }

  input(utf8: Uint8Array): void {
    const pty = this.#pty;
    if (utf8.length === 0 || !pty) return;
    if (pendingInput(pty) > MAX_PENDING_INPUT) {
      throw new SessionError(
        'busy',
        'the program is not reading its input: what you typed was dropped (Stop or Restart it if it is stuck)',
      );
    }
    pty.write(this.#codec.encodeInput(utf8));
  }

  resize(size: TerminalSize): void {
    this.#size = size;
    this.#pty?.resize(size.cols, size.rows);
  }

  signal(signal: TerminalSignal): void {
    const pty = this.#pty;
    if (!pty) return;
    if (pendingInput(pty) === 0) {
      pty.write(SIGNAL_KEYS[signal]);
      return;
    }
    // The key would queue behind input the program does not read: deliver the signal itself.
    this.#options.signalForeground(pty.pid, signal).catch((error: unknown) => {
      this.#options.log.error('could not signal the foreground program', { terminal: this.id, error: String(error) });
    });
  }

  /** Types the lab's command `index` at the shell prompt, as the learner could have. */
  run(index: number): void {
    const command = this.#command(index);
    if (this.#status !== 'idle' || !this.#pty) {
      throw new SessionError('busy', 'the terminal is busy: stop the running program first, or restart the terminal');
    }
    this.#pty.write(`${CLEAR_LINE}${command}\r`);
  }

  /** Ends the shell and everything started from it, then starts a fresh one and, if given, runs command `index`. */
  restart(index?: number): Promise<void> {
    const command = index === undefined ? null : this.#command(index);
    if (this.#restarting) throw new SessionError('busy', 'the terminal is already restarting');
    if (this.#closed) return Promise.resolve();
    this.#restarting = (async () => {
      try {
        await this.#stopShell();
        if (this.#closed) return;
        this.#replay.clear();
        this.#pendingCommand = command;
        this.#start();
        this.#redraw();
      } finally {
        this.#restarting = null;
      }
    })();
    return this.#restarting;
  }

  /** Reads the output in another encoding from now on, and shows the recent output again in that encoding. */
  setEncoding(encoding: TerminalEncoding): void {
    if (encoding === this.#codec.encoding) return;
    this.#codec = createCodec(encoding);
    this.#redraw();
  }

  /** The browser has written `bytes` more of this terminal's output to its screen. */
  ack(bytes: number): void {
    this.#unacked = Math.max(0, this.#unacked - bytes);
    this.#updateFlow();
  }

  /**
   * Shows a line from the lab itself (a limit was reached, a file was not saved) in this terminal, between the
   * program's own output, and keeps it in the replay so a reload still shows it.
   */
  notice(text: string): void {
    const utf8 = Buffer.from(`\r\n\x1b[1;33m[socket-lab] ${text}\x1b[0m\r\n`, 'utf8');
    this.#replay.append(this.#codec.encodeInput(utf8));
    if (this.#sink) this.#queue(utf8);
    this.#updateFlow();
  }

  /** Hangs up the shell, kills what is left of it, and forgets any view. Idempotent. */
  close(reason: 'workspace-ended' | null = null): Promise<void> {
    this.#closed ??= (async () => {
      if (reason) this.#sink?.control({ type: 'detached', terminal: this.id, reason });
      this.#sink = null;
      // A restart under way ends on its own (its caller hears how); only its completion matters here.
      await Promise.allSettled([this.#restarting]);
      await this.#stopShell();
    })();
    return this.#closed;
  }

  #command(index: number): string {
    const command = this.#options.commands[index];
    if (!command) throw new SessionError('unknown-command', `terminal ${this.id} has no command ${index}`);
    return command.run;
  }

  #start(): void {
    this.#started = true;
    this.#status = 'starting';
    this.#exitCode = null;
    this.#commandRunning = false;
    this.#marks = new ShellMarkScanner();
    this.#paused = false;
    let pty: IPty;
    try {
      pty = this.#options.spawn(this.#size);
    } catch (error) {
      this.#options.log.error('could not start a terminal shell', { terminal: this.id, error: String(error) });
      this.#setStatus('exited', null);
      return;
    }
    this.#pty = pty;
    // Spawned with `encoding: null`, node-pty hands over Buffers although its typings say string.
    const dataListener = pty.onData((data) => this.#onData(data as unknown as Buffer));
    this.#ptyExited = new Promise((resolve) => {
      const exitListener = pty.onExit(({ exitCode }) => {
        dataListener.dispose();
        exitListener.dispose();
        if (this.#pty === pty) {
          // The shell ended by itself (`exit`); its background jobs end with the terminal, as they would on hangup.
          this.#pty = null;
          this.#setStatus('exited', exitCode);
          this.#options.endSession(pty.pid).catch((error: unknown) => {
            this.#options.log.error("could not end a finished shell's processes", {
              terminal: this.id,
              error: String(error),
            });
          });
        }
        resolve();
      });
    });
    this.#updateFlow();
  }

  async #stopShell(): Promise<void> {
    const pty = this.#pty;
    if (!pty) return;
    const leader = pty.pid;
    this.#pty = null;
    await this.#options.endSession(leader);
    await this.#ptyExited;
  }

  #onData(chunk: Buffer): void {
    this.#replay.append(chunk);
    const utf8 = this.#codec.toUtf8(chunk);
    if (utf8.length > 0 && this.#sink) this.#queue(utf8);
    // After queueing: a status change is sent behind the output that came before it (see #setStatus).
    for (const mark of this.#marks.scan(chunk)) this.#onMark(mark);
    this.#updateFlow();
  }

  /**
   * A flood arrives in many small pty reads within one turn of the event loop; sending them as one frame saves the
   * browser most of its per-message work. A lone keystroke's echo still goes out at the end of the same turn.
   */
  #queue(utf8: Buffer): void {
    this.#pending.push(utf8);
    this.#pendingBytes += utf8.length;
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const sink = this.#sink;
    const parts = this.#pending;
    const length = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!sink || length === 0) return;
    const frame = Buffer.allocUnsafe(length + 1);
    frame[0] = this.channel;
    let at = 1;
    for (const part of parts) at += part.copy(frame, at);
    this.#unacked += length;
    sink.output(frame, () => this.#updateFlow());
  }

  #onMark(mark: ShellMark): void {
    switch (mark.kind) {
      case 'command-start':
        this.#commandRunning = true;
        this.#setStatus('running', null);
        break;
      case 'command-end':
        if (this.#commandRunning) this.#exitCode = mark.exitCode;
        this.#commandRunning = false;
        break;
      case 'prompt': {
        this.#setStatus('idle', this.#exitCode);
        const pending = this.#pendingCommand;
        this.#pendingCommand = null;
        if (pending !== null) this.#pty?.write(`${pending}\r`);
        break;
      }
    }
  }

  #setStatus(status: TerminalStatus, exitCode: number | null): void {
    this.#status = status;
    this.#exitCode = exitCode;
    if (!this.#sink) return;
    this.#flush();
    this.#sink.control({ type: 'status', terminal: this.id, status, exitCode });
  }

  /** Sends the view a clean screen and the recent output, decoded with the current encoding. */
  #redraw(): void {
    const sink = this.#sink;
    if (!sink) return;
    // Output queued for the old screen would land after the replay, which already holds it.
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#unacked = 0;
    sink.control({
      type: 'attached',
      terminal: this.id,
      channel: this.channel,
      encoding: this.#codec.encoding,
      status: this.#status,
      exitCode: this.#exitCode,
    });
    const replay = decodeReplay(this.#replay.contents(), this.#codec.encoding);
    if (replay.length > 0) this.#queue(replay);
    this.#updateFlow();
  }

  #updateFlow(): void {
    const pty = this.#pty;
    if (!pty) return;
    // Unacknowledged output says what the page has not drawn; the backlog what the connection has not even sent
    // (a page that stops reading, or acknowledges what it never got).
    const outstanding = this.#unacked + this.#pendingBytes;
    const backlog = this.#sink?.backlog() ?? 0;
    const high = outstanding > FLOW_CONTROL.highWatermark || backlog > FLOW_CONTROL.highWatermark;
    const low = outstanding < FLOW_CONTROL.lowWatermark && backlog < FLOW_CONTROL.lowWatermark;
    if (!this.#paused && (!this.#sink || high)) {
      this.#paused = true;
      pty.pause();
    } else if (this.#paused && this.#sink && low) {
      this.#paused = false;
      pty.resume();
    }
  }
}
