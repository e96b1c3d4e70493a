/**
 * One terminal of a workspace: a shell in a pseudo-terminal, what it printed recently, and the one browser view
 * attached to it. Output flows pty -> replay and decoder -> output pump (framing, flow control) -> the view; the
 * status tracker reads the shell's marks from the same output.
 */
import type { IPty } from 'node-pty';
import type { TerminalEncoding, TerminalSignal, TerminalStatus } from '#protocol/messages.ts';
import { createCodec, decodeReplay, type TerminalCodec } from './encodings.ts';
import { OutputPump } from './output-pump.ts';
import { queuedInput } from './pty-input-queue.ts';
import { PtyWriter } from './pty-writer.ts';
import { ReplayBuffer } from './replay-buffer.ts';
import {
  SessionError,
  type SessionEnder,
  type StartedShell,
  type TerminalSessionOptions,
  type TerminalSink,
  type TerminalSize,
} from './session-contract.ts';
import { StatusTracker } from './status-tracker.ts';
import { WIRE } from '#protocol/limits.ts';

/** What the terminal line discipline turns into each signal (stty's intr, quit and susp). */
const SIGNAL_KEYS: Record<TerminalSignal, string> = { SIGINT: '\x03', SIGQUIT: '\x1c', SIGTSTP: '\x1a' };
/** Readline's unix-line-discard: clears whatever the learner left typed at the prompt before Run types. */
const CLEAR_LINE = '\x15';
/** Typed or pasted input a program has not read yet, held at most. */

export class TerminalSession {
  readonly id: string;
  readonly channel: number;
  readonly #options: TerminalSessionOptions;
  #pty: IPty | null = null;
  /** Input to #pty goes through this, straight to the kernel when it can. */
  #writer: PtyWriter | null = null;
  #started = false;
  #ptyExited: Promise<void> = Promise.resolve();
  /** Typed at the next prompt: the command a Restart was asked to run. */
  #pendingCommand: string | null = null;
  #codec: TerminalCodec = createCodec('utf-8');
  readonly #replay: ReplayBuffer;
  readonly #pump: OutputPump<TerminalSink>;
  readonly #status: StatusTracker;
  #size: TerminalSize = { cols: 80, rows: 24 };
  #restarting: Promise<void> | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: TerminalSessionOptions) {
    this.id = options.id;
    this.channel = options.channel;
    this.#options = options;
    this.#replay = new ReplayBuffer(options.scrollbackBytes);
    this.#pump = new OutputPump(options.channel);
    this.#status = new StatusTracker((status, exitCode) => this.#statusChanged(status, exitCode));
  }

  get status(): TerminalStatus {
    return this.#status.status;
  }

  /** Whether a browser view shows this terminal. */
  get attached(): boolean {
    return this.#pump.sink !== null;
  }

  /** Host pid of the pty's first process: the leader of the terminal's session. */
  get pid(): number | null {
    return this.#pty?.pid ?? null;
  }

  /** Shows this terminal in `sink`, taking it over from any other view, and starts the shell on first use. */
  attach(sink: TerminalSink, size: TerminalSize): void {
    if (this.#closed) {
      sink.detached('workspace-ended');
      return;
    }
    const previous = this.#pump.sink;
    this.#pump.setSink(sink);
    if (previous && previous !== sink) previous.detached('replaced');
    this.resize(size);
    if (!this.#started) this.#start();
    this.#redraw();
  }

  detach(sink: TerminalSink): void {
    if (this.#pump.sink !== sink) return;
    this.#pump.setSink(null);
    this.#pump.update();
  }

  input(utf8: Uint8Array): void {
    const pty = this.#pty;
    const writer = this.#writer;
    if (utf8.length === 0 || !pty || !writer) return;
    if (queuedInput(pty) > WIRE.pendingInput) {
      throw new SessionError(
        'busy',
        'the program is not reading its input: what you typed was dropped (Stop or Restart it if it is stuck)',
      );
    }
    writer.write(this.#codec.encodeInput(utf8));
  }

  resize(size: TerminalSize): void {
    this.#size = size;
    this.#pty?.resize(size.cols, size.rows);
  }

  signal(signal: TerminalSignal): void {
    const pty = this.#pty;
    // At the prompt nothing runs, and a Ctrl-C there makes bash drop the next key (a Run's first: `ython3: not found`).
    if (!pty || !this.#writer || this.#status.status === 'idle') return;
    if (queuedInput(pty) === 0) {
      this.#writer.write(SIGNAL_KEYS[signal]);
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
    if (this.#status.status !== 'idle' || !this.#writer) {
      throw new SessionError('busy', 'the terminal is busy: stop the running program first, or restart the terminal');
    }
    this.#writer.write(`${CLEAR_LINE}${command}\r`);
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
    this.#pump.ack(bytes);
  }

  /**
   * Shows a line from the lab itself (a limit was reached, a file was not saved) in this terminal, between the
   * program's own output, and keeps it in the replay so a reload still shows it.
   */
  notice(text: string): void {
    const utf8 = Buffer.from(`\r\n\x1b[1;33m[socket-lab] ${text}\x1b[0m\r\n`, 'utf8');
    this.#replay.append(this.#codec.encodeInput(utf8));
    this.#pump.write(utf8);
    this.#pump.update();
  }

  /**
   * Hangs up the shell, kills what is left of it (with `endSession`: its workspace's, for all its terminals at once),
   * and tells the view the workspace ended: a terminal closes only with its workspace. Idempotent.
   */
  close(endSession: SessionEnder = this.#options.endSession): Promise<void> {
    this.#closed ??= (async () => {
      const sink = this.#pump.sink;
      this.#pump.setSink(null);
      sink?.detached('workspace-ended');
      // A restart under way ends on its own (its caller hears how); only its completion matters here.
      await Promise.allSettled([this.#restarting]);
      await this.#stopShell(endSession);
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
    this.#status.reset();
    let started: StartedShell;
    try {
      started = this.#options.spawn(this.#size);
    } catch (error) {
      this.#options.log.error('could not start a terminal shell', { terminal: this.id, error: String(error) });
      this.#status.exited(null);
      return;
    }
    const { pty } = started;
    this.#pty = pty;
    this.#writer = new PtyWriter(pty);
    this.#pump.setSource(pty);
    // Spawned with `encoding: null`, node-pty hands over Buffers although its typings say string.
    // A shell being stopped is still read to its end (see #stopShell), but what it prints then is no one's.
    const dataListener = pty.onData((data) => {
      if (this.#pty === pty) this.#onData(data as unknown as Buffer);
    });
    this.#ptyExited = new Promise((resolve) => {
      const exitListener = pty.onExit(({ exitCode }) => {
        dataListener.dispose();
        exitListener.dispose();
        if (this.#pty === pty) {
          // The shell ended by itself (`exit`); its background jobs end with the terminal, as they would on hangup.
          this.#forgetPty();
          this.#status.exited(exitCode);
          this.#options.endSession(pty.pid, Promise.resolve()).catch((error: unknown) => {
            this.#options.log.error("could not end a finished shell's processes", {
              terminal: this.id,
              error: String(error),
            });
          });
        }
        resolve();
      });
    });
    this.#pump.update();
    // A shell started ahead's output comes as if printed now: after #redraw (next), before later pty data (next turn).
    const early = started.printed;
    if (early.length > 0) queueMicrotask(() => early.forEach((chunk) => this.#pty === pty && this.#onData(chunk)));
  }

  async #stopShell(endSession: SessionEnder = this.#options.endSession): Promise<void> {
    const pty = this.#pty;
    if (!pty) return;
    this.#forgetPty();
    // Read to its end: node-pty reports the exit once the pty closes, and a paused one (no view attached) would only
    // be closed by its 200 ms fallback timer, a fifth of a second added to every terminal's close.
    pty.resume();
    const exited = this.#ptyExited;
    await endSession(pty.pid, exited);
    await exited;
  }

  #forgetPty(): void {
    this.#pty = null;
    this.#writer = null;
    this.#pump.setSource(null);
  }

  #onData(chunk: Buffer): void {
    this.#replay.append(chunk);
    const utf8 = this.#codec.toUtf8(chunk);
    this.#pump.write(utf8);
    this.#options.watch?.output(this.id, utf8);
    // After writing: a status change is sent behind the output that came before it (see #statusChanged).
    this.#status.scan(chunk);
    this.#pump.update();
  }

  #statusChanged(status: TerminalStatus, exitCode: number | null): void {
    this.#options.watch?.statusChanged(this.id, status);
    const sink = this.#pump.sink;
    if (sink) {
      this.#pump.flush();
      sink.control({ type: 'status', terminal: this.id, status, exitCode });
    }
    if (status !== 'idle') return;
    const pending = this.#pendingCommand;
    this.#pendingCommand = null;
    if (pending !== null) this.#writer?.write(`${pending}\r`);
  }

  /** Sends the view a clean screen and the recent output, decoded with the current encoding. */
  #redraw(): void {
    const sink = this.#pump.sink;
    if (!sink) return;
    // Output queued for the old screen would land after the replay, which already holds it.
    this.#pump.reset();
    sink.control({
      type: 'attached',
      terminal: this.id,
      channel: this.channel,
      encoding: this.#codec.encoding,
      status: this.#status.status,
      exitCode: this.#status.exitCode,
    });
    this.#pump.write(decodeReplay(this.#replay.contents(), this.#codec.encoding));
    this.#pump.update();
  }
}
