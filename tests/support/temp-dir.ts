/**
 * A fresh temporary directory for a suite's tests, removed after them. Call it inside describe(); read the
 * directory through the function it returns, inside a test or hook.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';

/** `each`: every test gets a directory of its own, instead of one for the whole suite. */
export function useTempDir(prefix: string, { each = false } = {}): () => string {
  let dir: string | null = null;
  (each ? beforeEach : before)(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  (each ? afterEach : after)(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });
  return () => {
    if (!dir) throw new Error('the temporary directory exists only while the suite runs');
    return dir;
  };
}
