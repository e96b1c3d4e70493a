/**
 * What a LabSocket's users hear from it and give it: its states, the events of terminals, panes and files, and its
 * options. Kept apart from the socket so that panes and tests can name them without the connection logic.
 */
import type { CheckState } from '#protocol/checks.ts';
import type { ErrorCode, PaneEvent, ServerMessage, TerminalEncoding, TerminalStatus } from '#protocol/messages.ts';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'outdated' | 'not-joined';

/**
 * Thrown by `prepare` when the lab has a passcode and this browser has not joined the class: no retry can help until
 * the learner joins, so the socket stops trying and says so.
 */
export class NotJoinedError extends Error {
  constructor() {
    super('this browser has not joined the class');
    this.name = 'NotJoinedError';
  }
}

export interface TerminalEvents {
  /** Clear the screen: the replay of recent output follows. */
  attached(info: { encoding: TerminalEncoding; status: TerminalStatus; exitCode: number | null }): void;
  /** UTF-8 terminal output. */
  output(bytes: Uint8Array): void;
  statusChanged(status: TerminalStatus, exitCode: number | null): void;
  /** `replaced`: this terminal is now shown in another tab. */
  detached(reason: 'replaced' | 'workspace-ended'): void;
  error(code: ErrorCode, message: string): void;
}

export interface PaneEvents {
  event(event: PaneEvent): void;
  error(code: ErrorCode, message: string): void;
}

/** What the backend says about the workspace's files (file-client.ts reads it). */
export type FileServerMessage = Extract<ServerMessage, { type: 'files' | `file${string}` }>;

export interface FileEvents {
  message(message: FileServerMessage): void;
  /** A file request refused; `path` when it was about one file. */
  error(code: ErrorCode, message: string, path: string | undefined): void;
}

/** Where the lab's checks stand: all of them on each (re)connect, then each one as it passes. */
export interface CheckEvents {
  states(checks: readonly CheckState[]): void;
  passed(check: CheckState): void;
}

export interface LabSocketOptions {
  /** ws:// or wss:// URL of the lab endpoint, with `?lab=<id>`. */
  url: string;
  /** Opens the WebSocket: `new WebSocket(url)` in a browser; Node passes cookie and Origin headers. */
  open(url: string): WebSocket;
  /** Runs before each connection attempt; the browser makes sure it has a learner cookie (or throws NotJoinedError). */
  prepare?(): Promise<void>;
  onState?(state: ConnectionState, detail?: string): void;
  /** Errors not about one terminal. */
  onError?(code: ErrorCode, message: string): void;
  /** Delay before reconnect attempt `n` (1-based), in ms. */
  backoff?(attempt: number): number;
}
