/**
 * Small kernel pseudo-files whose absence means nothing to report (cgroupfs counters), read on the event loop's own
 * thread. The kernel builds their text when they are read, from counters in memory: no disk is waited for, and a
 * read takes microseconds. An asynchronous read is four trips (open, stat, read, close) through libuv's worker
 * threads, each waking a worker and then the loop, and the backend polls such files for every workspace about once a
 * second, and a closing class looks at every process of every workspace several times a second.
 * Not for files whose text costs the kernel a walk of a large table: /proc/<pid>/net/tcp walks the whole TCP hash
 * (see net-parent.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Reused by every read: the reads are synchronous, so one is never in use twice. */
let scratch = Buffer.alloc(0);

/** What a whole read starts with: a process's stat, a quiet workspace's procs list. Grown (doubled) when filled. */
const WHOLE_FILE_START_BYTES = 4096;

/**
 * At most the first `maxBytes` of `file`, cut back to whole lines when the file is longer; null when it cannot be
 * read (a process or group that is gone takes its files with it).
 */
export function readKernelFile(file: string, maxBytes: number): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    if (scratch.length < maxBytes) scratch = Buffer.alloc(maxBytes);
    let length = 0;
    // procfs hands out a table a page or so per read.
    for (let n = -1; n !== 0 && length < maxBytes; length += n) {
      n = readSync(fd, scratch, length, maxBytes - length, null);
    }
    const text = scratch.toString('latin1', 0, length);
    return length < maxBytes ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole of `file`, however long (a fork bomb's procs list); null when it is gone (ENOENT: a removed group; ESRCH:
 * an ended process). Any other failure is thrown: a caller ending processes must not take "unreadable" for "none".
 * readFileSync would do, but it allocates and joins a buffer per read of a file that reports size 0 (every
 * pseudo-file): with 200 workspaces closing, that and its garbage were a third of each look for their processes.
 */
export function readWholeKernelFile(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
  try {
    if (scratch.length < WHOLE_FILE_START_BYTES) scratch = Buffer.alloc(WHOLE_FILE_START_BYTES);
    let length = 0;
    for (let n = -1; n !== 0; length += n) {
      if (length === scratch.length) scratch = Buffer.concat([scratch, Buffer.alloc(scratch.length)]);
      n = readSync(fd, scratch, length, scratch.length - length, null);
    }
    return scratch.toString('latin1', 0, length);
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** Whether a failed read of a pseudo-file means only that its process or group is gone. */
export function isGone(error: unknown): boolean {
  const { code } = error as NodeJS.ErrnoException;
  return code === 'ENOENT' || code === 'ESRCH';
}
