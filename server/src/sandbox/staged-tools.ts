/**
 * Copies of what the backend lends every sandbox (its Node, the npm packages lessons import, its sandbox files) in a
 * directory every sandbox user can read. bwrap opens the sources of its binds as the workspace's own uid, which
 * cannot enter a project kept in a private folder (root's home is 0700); copies in the scratch directory can.
 */
import { chmod, copyFile, cp, link, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SandboxTools } from './argv.ts';

/** Stages `tools` under `dir` (made here, readable by all) and returns where they now are. */
export async function stageTools(tools: SandboxTools, dir: string): Promise<SandboxTools> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const nodeBinary = path.join(dir, 'node');
  await linkOrCopy(tools.nodeBinary, nodeBinary);
  await chmod(nodeBinary, 0o755);

  const filesDir = path.join(dir, 'files');
  await cp(tools.filesDir, filesDir, { recursive: true, dereference: true });

  const packagesDir = path.join(dir, 'node_modules');
  const nodePackages: Record<string, string> = {};
  for (const [name, source] of Object.entries(tools.nodePackages)) {
    const target = path.join(packagesDir, name);
    await cp(source, target, { recursive: true, dereference: true });
    nodePackages[name] = target;
  }
  await makeReadable(dir);
  return { filesDir, nodeBinary, nodePackages };
}

/** A hard link costs nothing when the project and the scratch directory share a file system; else a copy. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EACCES') throw error;
    await copyFile(source, target);
  }
}

/** Directories 0755, files readable by all (executables stay executable). */
async function makeReadable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeReadable(child);
    else if (entry.isFile()) await chmod(child, (await stat(child)).mode | 0o444);
  }
}
