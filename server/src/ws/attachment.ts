/**
 * What a lab connection streams to its page, one binary channel each, named by the id the page uses in its messages.
 * A learner's own terminal is one kind (terminal-attachment.ts). Others fit the same shape: a read-only view of a
 * learner's terminal for an instructor (its input and its actions refused), a live packet capture (frames out, only
 * acknowledgements in). The connection holds, routes, reports and ends them all alike.
 */
import type { ServerMessage, TerminalMessage } from '#protocol/messages.ts';
import type { DetachReason } from '../terminal/session-contract.ts';

/** Messages about an attachment once it is attached. */
export type AttachmentMessage = Exclude<TerminalMessage, { type: 'attach' }>;

export interface Attachment {
  readonly id: string;
  readonly channel: number;
  /** Bytes the page sent on this channel. Throws what the page should hear when it refuses them. */
  input(payload: Uint8Array): void;
  /** A message from the page about this attachment; a promise when the outcome comes later. */
  handle(message: AttachmentMessage): Promise<void> | undefined;
  /** Stops sending to this connection, quietly: the connection tells the page, when there is anything to tell. */
  release(): void;
}

/** The connection's side, as its attachments see it. */
export interface AttachmentOutlet {
  /** A binary frame whose first byte is the channel; `sent` is called once it has left for the network. */
  frame(frame: Buffer, sent: () => void): void;
  /** Bytes the socket has not sent yet. */
  backlog(): number;
  message(message: ServerMessage): void;
  /** The source let go of `attachment`: another tab took it over, or the workspace ended. */
  detached(attachment: Attachment, reason: DetachReason): void;
}
