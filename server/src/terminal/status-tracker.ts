/**
 * A terminal's status, as its shell reports it: the shell-mark scanner finds the marks in the output, and this turns
 * them into `idle` (at the prompt, with the last command's exit status) and `running`, and reports each change.
 */
import type { TerminalStatus } from '#protocol/messages.ts';
import { ShellMarkScanner, type ShellMark } from './shell-marks.ts';

export type StatusListener = (status: TerminalStatus, exitCode: number | null) => void;

export class StatusTracker {
  #status: TerminalStatus = 'starting';
  #exitCode: number | null = null;
  #commandRunning = false;
  #marks = new ShellMarkScanner();
  readonly #changed: StatusListener;

  constructor(changed: StatusListener) {
    this.#changed = changed;
  }

  get status(): TerminalStatus {
    return this.#status;
  }

  get exitCode(): number | null {
    return this.#exitCode;
  }

  /** A new shell starts: nothing of the old one counts. Not reported: the view is drawn anew, status and all. */
  reset(): void {
    this.#status = 'starting';
    this.#exitCode = null;
    this.#commandRunning = false;
    this.#marks = new ShellMarkScanner();
  }

  /** Reads the marks in a chunk of the shell's output, in the terminal's own bytes. */
  scan(chunk: Buffer): void {
    const marks = this.#marks.scan(chunk);
    // Nearly every chunk has none; an iterator over nothing would still be made for each.
    if (marks.length === 0) return;
    for (const mark of marks) this.#onMark(mark);
  }

  /** The shell ended with `exitCode` (null: it never started). */
  exited(exitCode: number | null): void {
    this.#set('exited', exitCode);
  }

  #onMark(mark: ShellMark): void {
    switch (mark.kind) {
      case 'command-start':
        this.#commandRunning = true;
        this.#set('running', null);
        break;
      case 'command-end':
        if (this.#commandRunning) this.#exitCode = mark.exitCode;
        this.#commandRunning = false;
        break;
      case 'prompt':
        this.#set('idle', this.#exitCode);
        break;
    }
  }

  #set(status: TerminalStatus, exitCode: number | null): void {
    this.#status = status;
    this.#exitCode = exitCode;
    this.#changed(status, exitCode);
  }
}
