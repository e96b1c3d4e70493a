/**
 * How much input written to a pty is still waiting in node-pty, because the program does not read it and the kernel's
 * buffer is full. node-pty 1.1 offers no public way to tell: IPty.write() returns nothing and no event says the input
 * drained. Its Unix write stream keeps the waiting input in a private queue of `{ buffer, offset }` tasks, which is
 * read here and nowhere else. If a node-pty version changes that, this says 0 and tests/unit/pty-input-queue.test.ts,
 * which asks a real pty, fails.
 */
import type { IPty } from 'node-pty';

interface WriteTask {
  buffer?: Buffer;
  offset?: number;
}

export function queuedInput(pty: IPty): number {
  const queue = (pty as unknown as { _writeStream?: { _writeQueue?: unknown } })._writeStream?._writeQueue;
  if (!Array.isArray(queue)) return 0;
  let bytes = 0;
  for (const task of queue as WriteTask[]) bytes += (task.buffer?.length ?? 0) - (task.offset ?? 0);
  return bytes;
}
