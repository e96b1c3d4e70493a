/**
 * Writes input to a pty at once, with one write(2) on the event loop's thread. node-pty's own write goes through
 * libuv's thread pool for every keystroke (a worker thread woken, then a completion back on the loop), about a third
 * of the backend's CPU per echoed key. The master side is non-blocking, so a write here never waits: what the kernel
 * does not take (a program that does not read has filled its buffer) is handed to node-pty's queue as before, and
 * while anything waits there every later write goes behind it. So bytes are never reordered, and queuedInput() still
 * counts all input waiting for the program.
 */
import { writeSync } from 'node:fs';
import type { IPty } from 'node-pty';
import { queuedInput } from './pty-input-queue.ts';

export class PtyWriter {
  readonly #pty: IPty;
  /** The master's file descriptor; node-pty's UnixTerminal has it, though IPty does not say so. */
  readonly #fd: number | null;

  constructor(pty: IPty) {
    this.#pty = pty;
    const fd = (pty as unknown as { fd?: unknown }).fd;
    this.#fd = typeof fd === 'number' ? fd : null;
  }

  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length === 0) return;
    let written = 0;
    if (this.#fd !== null && queuedInput(this.#pty) === 0) {
      try {
        written = writeSync(this.#fd, bytes);
      } catch {
        // EAGAIN: the kernel's buffer is full. Anything else (EIO from a hung-up terminal) node-pty's write handles
        // as it always did.
      }
    }
    if (written < bytes.length)
      this.#pty.write(Buffer.from(bytes.buffer, bytes.byteOffset + written, bytes.length - written));
  }
}
