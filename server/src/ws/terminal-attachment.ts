/**
 * A learner's own terminal on their lab connection: the terminal's view (its sink) on one side, the page's keys and
 * buttons on the other.
 */
import type { ServerMessage } from '#protocol/messages.ts';
import type { DetachReason, TerminalSink, TerminalSize } from '../terminal/session-contract.ts';
import type { TerminalSession } from '../terminal/terminal-session.ts';
import type { Attachment, AttachmentMessage, AttachmentOutlet } from './attachment.ts';

export class TerminalAttachment implements Attachment, TerminalSink {
  readonly id: string;
  readonly channel: number;
  readonly #session: TerminalSession;
  readonly #outlet: AttachmentOutlet;

  constructor(session: TerminalSession, outlet: AttachmentOutlet) {
    this.id = session.id;
    this.channel = session.channel;
    this.#session = session;
    this.#outlet = outlet;
  }

  /** Shows the terminal, which answers at once: the connection lists the attachment before calling this. */
  show(size: TerminalSize): void {
    this.#session.attach(this, size);
  }

  output(frame: Buffer, sent: () => void): void {
    this.#outlet.frame(frame, sent);
  }

  backlog(): number {
    return this.#outlet.backlog();
  }

  control(message: ServerMessage): void {
    this.#outlet.message(message);
  }

  detached(reason: DetachReason): void {
    this.#outlet.detached(this, reason);
  }

  input(payload: Uint8Array): void {
    this.#session.input(payload);
  }

  handle(message: AttachmentMessage): Promise<void> | undefined {
    const session = this.#session;
    switch (message.type) {
      case 'resize':
        session.resize({ cols: message.cols, rows: message.rows });
        break;
      case 'run':
        session.run(message.command);
        break;
      case 'signal':
        session.signal(message.signal);
        break;
      case 'restart':
        return session.restart(message.command);
      case 'encoding':
        session.setEncoding(message.encoding);
        break;
      case 'ack':
        session.ack(message.bytes);
        break;
    }
    return undefined;
  }

  release(): void {
    this.#session.detach(this);
  }
}
