/**
 * A temporary directory laid out like a cgroup filesystem, for the unit tests of where workspace cgroups are made
 * and what is written into them. A temporary directory is not a kernel: these check files and decisions only.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { CgroupHost, CgroupSetup } from '../../server/src/sandbox/cgroup.ts';

export const MIB = 1024 * 1024;
export const LIMITS = { memoryBytes: 96 * MIB, processes: 64, cpus: 0.5, workspaceCpus: null };

const scratch: string[] = [];
after(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** A directory removed when the test file ends. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-cgroup-test-'));
  scratch.push(dir);
  return dir;
}

/** Files (path relative to `root` -> content); directories are made as needed. */
export async function layout(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
}

export const read = (file: string) => readFile(file, 'utf8');
export const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

export function started(setup: CgroupSetup): CgroupHost {
  if (!setup.ok) assert.fail(`no cgroups: ${setup.problem}`);
  return setup.host;
}
