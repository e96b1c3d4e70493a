/**
 * What a terminal session (terminal-session.ts) asks of the world around it and offers to it: the views that attach
 * to it, the workspace that spawns and ends its processes, those who watch its output, and the errors it refuses
 * requests with.
 */
import type { IPty } from 'node-pty';
import type { Logger } from '../log.ts';
import type { LabCommand } from '#protocol/lab-manifest.ts';
import type { ServerMessage, TerminalSignal, TerminalStatus } from '#protocol/messages.ts';
import type { OutputSink } from './output-pump.ts';

/** Why a view no longer shows a terminal: another view took it over, or the terminal's workspace ended. */
export type DetachReason = Extract<ServerMessage, { type: 'detached' }>['reason'];

/** Where an attached browser view receives this terminal's output, status and notices. */
export interface TerminalSink extends OutputSink {
  control(message: ServerMessage): void;
  /** The terminal let go of this view; nothing more comes. */
  detached(reason: DetachReason): void;
}

/**
 * Ends every process of a terminal's session (the shell and all it started): SIGHUP, then SIGKILL. `leaderGone`
 * settles once the session's leader, the pty's own process, has exited.
 */
export type SessionEnder = (sessionLeader: number, leaderGone: Promise<void>) => Promise<void>;

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** A shell ready for a terminal, and what it printed before the terminal took it (one started ahead: its prompt). */
export interface StartedShell {
  pty: IPty;
  printed: readonly Buffer[];
}

export interface TerminalSessionOptions {
  id: string;
  channel: number;
  commands: readonly LabCommand[];
  scrollbackBytes: number;
  /** Starts the shell, or hands over one started ahead. */
  spawn(size: TerminalSize): StartedShell;
  /** Ends the terminal's processes when it restarts (and closes, unless its workspace ends them together). */
  endSession: SessionEnder;
  /** Signals the terminal's foreground process group directly, as the terminal would on the key. */
  signalForeground(sessionLeader: number, signal: TerminalSignal): Promise<void>;
  /** Hears the output (as UTF-8) and each status change, attached or not: the workspace's checks look at them. */
  watch?: TerminalWatch;
  log: Logger;
}

export interface TerminalWatch {
  output(terminal: string, utf8: Uint8Array): void;
  statusChanged(terminal: string, status: TerminalStatus): void;
}

export class SessionError extends Error {
  readonly code: 'unknown-command' | 'busy';
  constructor(code: 'unknown-command' | 'busy', message: string) {
    super(message);
    this.code = code;
  }
}
