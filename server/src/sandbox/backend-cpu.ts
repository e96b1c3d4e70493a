/**
 * The backend's own group in the cpu hierarchy, beside the lab's instance group (`<instance>-backend`), at the
 * weight of a nice -20 process. The backend serves every learner's keystrokes, and is idle most of the time: with
 * that weight it is let in at once when a keystroke wakes it, and it only ever takes what it uses, the rest going to
 * the workspaces. Where it sat in a leaf inside the instance group (weighing as much as all the workspaces), its
 * share was the instance group's, which the kernel splits between the CPUs by their load. Measured on two cores
 * (the README, "Busy neighbours"): beside five hostile neighbours among 30 learners, a quiet learner's echo p99 was
 * 6.7 ms here against 11.4 ms in the leaf (medians of 6 and 5 runs). A large quiet class's tail (100 learners'
 * p99 9-20 ms in the leaf, 14-29 ms here) was mostly the workspaces' periodic work, which ran for all of them in one
 * burst a second (a scheduler trace); spread (periodic.ts), it was 3.9-5.5 ms here.
 */
import { mkdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { BACKEND_LEAF } from './cgroup-delegation.ts';
import { backendWeight, type CgroupVersion } from './cgroup-files.ts';

/** Appended to the instance group's name: the backend's group is found (and removed after a crash) by it. */
export const BACKEND_CPU_SUFFIX = '-backend';

export class BackendCpuGroup {
  readonly #dir: string;
  readonly #home: string;
  readonly #log: Logger;
  #left: Promise<void> | null = null;

  private constructor(dir: string, home: string, log: Logger) {
    this.#dir = dir;
    this.#home = home;
    this.#log = log;
  }

  /**
   * Makes the backend's group beside `instanceDir`, the lab's group in the cpu hierarchy, and moves this process (all
   * its threads) into it; `home` is the group it leaves, where it goes back at the end. Null, with a warning, when
   * the kernel refuses: the backend then competes from its own group at its default weight.
   */
  static async join(
    version: CgroupVersion,
    instanceDir: string,
    home: string,
    log: Logger,
  ): Promise<BackendCpuGroup | null> {
    const dir = `${instanceDir}${BACKEND_CPU_SUFFIX}`;
    try {
      await mkdir(dir);
      const weight = backendWeight(version);
      await writeFile(path.join(dir, weight.file), weight.value);
      await writeFile(path.join(dir, 'cgroup.procs'), String(process.pid));
      return new BackendCpuGroup(dir, home, log);
    } catch (error) {
      log.warn('the backend keeps its own CPU group and weight', { error: String(error) });
      // Nothing joined it: it can go at once.
      await rmdir(dir).catch(() => undefined);
      return null;
    }
  }

  /** Back to the group it came from, so that its own can be removed. Idempotent. */
  leave(): Promise<void> {
    this.#left ??= (async () => {
      // Its home. Else, under v2, the leaf its delegated group's processes moved to (that group, holding children
      // with controllers now, takes no process); else the group that holds the instance (under v1, a second lab in
      // this process may have removed the home).
      const beside = path.dirname(this.#dir);
      for (const group of [this.#home, path.join(beside, BACKEND_LEAF), beside]) {
        try {
          await writeFile(path.join(group, 'cgroup.procs'), String(process.pid));
          return;
        } catch {
          // The next will do.
        }
      }
      this.#log.warn('the backend could not leave its CPU group', { group: this.#dir });
    })();
    return this.#left;
  }

  get dir(): string {
    return this.#dir;
  }
}
