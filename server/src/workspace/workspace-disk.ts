/**
 * A workspace's disk: the directory on the host that holds its home, tmp, shm and etc. With a disk limit it is ONE
 * tmpfs of that size mounted there, so the home, /tmp and /dev/shm share the limit, writes beyond it fail with
 * ENOSPC and the host's disk is never touched. tmpfs pages are memory, charged to the memory cgroup of the process
 * that wrote them: the workspace's own. Without a limit (--no-limits, or not root) it is a plain directory.
 *
 * The backend reads and writes it as root like any directory. A crashed backend leaves its mounts behind; the next
 * one finds them by their source name in /proc/self/mountinfo and removes them (removeStaleDisks).
 */
import { execFile } from 'node:child_process';
import { statfsSync, type StatsFs } from 'node:fs';
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { ownerAlive } from '../sandbox/instance-owner.ts';
import { parseMountinfo } from '../sandbox/mountinfo.ts';

export interface DiskSpec {
  bytes: number;
  /** Owner of the disk's top directory: the workspace's user. */
  uid: number;
  gid: number;
  /** The backend's owner tag (instance-owner.ts), written into the mount's source name. */
  ownerTag: string;
}

/** Mount sources are `socket-lab-disk-<owner tag>`. */
const SOURCE_PREFIX = 'socket-lab-disk-';
/** Less free space than this is "full": tmpfs may leave a few pages it cannot hand out. */
const FULL_BELOW_BYTES = 64 * 1024;

export class WorkspaceDisk {
  readonly root: string;
  /** null: a plain directory, limited by nothing. */
  readonly sizeBytes: number | null;
  #releasing: Promise<void> | null = null;

  private constructor(root: string, sizeBytes: number | null) {
    this.root = root;
    this.sizeBytes = sizeBytes;
  }

  /** Makes the directory `root` (which must not exist) and, with a spec, mounts the size-limited tmpfs on it. */
  static async create(root: string, spec: DiskSpec | null): Promise<WorkspaceDisk> {
    await mkdir(root, { mode: 0o700 });
    if (!spec) return new WorkspaceDisk(root, null);
    try {
      await mountTmpfs(root, spec);
    } catch (error) {
      await rmdir(root).catch(() => undefined);
      throw error;
    }
    return new WorkspaceDisk(root, spec.bytes);
  }

  /**
   * Whether a limited disk is full; an unlimited one never is. A statfs of the tmpfs, at once: it counts pages in
   * memory, like the kernel files of kernel-file.ts.
   */
  full(): boolean {
    if (this.sizeBytes === null) return false;
    let stats: StatsFs;
    try {
      stats = statfsSync(this.root);
    } catch {
      return false;
    }
    return stats.bavail * stats.bsize < FULL_BELOW_BYTES;
  }

  /**
   * Unmounts the tmpfs (its files are gone then) and removes the directory. Only after every process of the
   * workspace has ended. Idempotent.
   */
  release(): Promise<void> {
    this.#releasing ??= (async () => {
      if (this.sizeBytes !== null) await unmount(this.root);
      await rm(this.root, { recursive: true, force: true });
    })();
    return this.#releasing;
  }
}

export async function mountTmpfs(target: string, spec: DiskSpec): Promise<void> {
  const options = [`size=${spec.bytes}`, 'mode=0700', `uid=${spec.uid}`, `gid=${spec.gid}`, 'nosuid', 'nodev'];
  await run('/usr/bin/mount', ['-t', 'tmpfs', '-o', options.join(','), `${SOURCE_PREFIX}${spec.ownerTag}`, target]);
}

/**
 * A plain unmount; a lazy one if something still holds the mount (the files then go when it lets go). Without
 * that, removing the directory afterwards would delete the files through the mount and leave the mount itself.
 */
async function unmountOne(target: string): Promise<void> {
  try {
    await run('/usr/bin/umount', [target]);
  } catch (error) {
    if (/not mounted/.test(String(error))) return;
    await run('/usr/bin/umount', ['--lazy', target]);
  }
}

/** Targets one umount is given at most. */
const UNMOUNT_BATCH = 64;

/**
 * Unmounts go out in batches: one umount at a time, for every target waiting. Starting a process costs the
 * backend's main thread several milliseconds (a fork of a large process), and a shutdown unmounts hundreds of disks
 * at once: one process per disk took 1.6 s of the main thread for 200. A batch that fails (one disk busy) is done
 * again one target at a time, the way a single one always was.
 */
class Unmounter {
  readonly #waiting: { target: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #running = false;

  unmount(target: string): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#waiting.push({ target, resolve, reject }));
    void this.#drain();
    return done;
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, UNMOUNT_BATCH);
        try {
          await run('/usr/bin/umount', ['--', ...batch.map((b) => b.target)]);
          for (const b of batch) b.resolve();
        } catch {
          await Promise.all(batch.map((b) => unmountOne(b.target).then(b.resolve, b.reject)));
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

const unmounter = new Unmounter();

function unmount(target: string): Promise<void> {
  return unmounter.unmount(target);
}

/** Mounts and unmounts a small disk in `dir`: whether workspaces can have size-limited disks here. */
export async function probeDisk(dir: string, ownerTag: string): Promise<string | null> {
  const target = path.join(dir, 'disk-probe');
  try {
    const disk = await WorkspaceDisk.create(target, { bytes: 1024 * 1024, uid: 0, gid: 0, ownerTag });
    await disk.release();
    return null;
  } catch (error) {
    await rm(target, { recursive: true, force: true }).catch(() => undefined);
    return (error as Error).message;
  }
}

/** Workspace disks whose backend is gone (it crashed): unmounted, their directories removed. */
export async function removeStaleDisks(log: Logger): Promise<void> {
  const mounts = parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
  for (const mount of mounts) {
    if (mount.fsType !== 'tmpfs' || !mount.source.startsWith(SOURCE_PREFIX)) continue;
    if (await ownerAlive(mount.source.slice(SOURCE_PREFIX.length))) continue;
    try {
      await unmount(mount.mountPoint);
      await rmdir(mount.mountPoint);
      // The crashed backend's data directory, once its last workspace is gone; anything else in it stays.
      await rmdir(path.dirname(mount.mountPoint)).catch(() => undefined);
      log.info('removed a workspace disk left by a stopped backend', { dir: mount.mountPoint });
    } catch (error) {
      log.warn('could not remove a workspace disk left by a stopped backend', {
        dir: mount.mountPoint,
        error: String(error),
      });
    }
  }
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: {}, timeout: 10_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}
