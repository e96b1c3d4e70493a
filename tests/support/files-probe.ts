/**
 * The editor's side of a lab socket for tests: its requests through the page's own FileClient, and a record of every
 * file message and refusal the backend sends, to wait on.
 */
import type { ErrorCode } from '#protocol/messages.ts';
import { FileClient } from '../../src/components/lab/file-client.ts';
import type { FileServerMessage, LabSocket } from '../../src/components/lab/lab-socket.ts';
import { Waiters } from './waiters.ts';

export interface FileRefusal {
  code: ErrorCode;
  message: string;
  path: string | undefined;
}

export class FilesProbe {
  readonly client: FileClient;
  readonly messages: FileServerMessage[] = [];
  readonly errors: FileRefusal[] = [];
  readonly #waiters = new Waiters();

  constructor(socket: LabSocket) {
    this.client = new FileClient(socket, {
      message: (message) => {
        this.messages.push(message);
        this.#waiters.notify();
      },
      error: (code, message, path) => {
        this.errors.push({ code, message, path });
        this.#waiters.notify();
      },
    });
  }

  /** Errors that arrive without a path (a message the backend could not parse) are recorded here too. */
  socketError(code: ErrorCode, message: string): void {
    this.errors.push({ code, message, path: undefined });
    this.#waiters.notify();
  }

  /** The next message of `type` after those already seen (`from`: how many were seen). */
  async next<T extends FileServerMessage['type']>(
    type: T,
    from: number,
    match: (m: Extract<FileServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<Extract<FileServerMessage, { type: T }>> {
    const find = () =>
      this.messages
        .slice(from)
        .find((m): m is Extract<FileServerMessage, { type: T }> => m.type === type && match(m as never));
    await this.#waiters.until(
      () => find() !== undefined,
      `a ${type} message`,
      timeoutMs,
      () => this.#seen(),
    );
    return find() as Extract<FileServerMessage, { type: T }>;
  }

  /** The next refusal after the first `from` ones. */
  async refusal(from: number, timeoutMs = 15_000): Promise<FileRefusal> {
    await this.#waiters.until(
      () => this.errors.length > from,
      'a refusal',
      timeoutMs,
      () => this.#seen(),
    );
    return this.errors[from] as FileRefusal;
  }

  #seen(): string {
    return `got ${JSON.stringify(this.messages.map((m) => m.type))}, errors ${JSON.stringify(this.errors)}`;
  }
}
