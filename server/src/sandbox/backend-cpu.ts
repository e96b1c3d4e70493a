/**
 * The backend's own place in the lab's CPU group: a leaf beside the workspaces' groups, weighing as much as all of
 * them together. The backend serves every learner's keystrokes; where it competed with the lab's group from outside
 * (then weighing as many groups as it had workspaces), five busy neighbours left it a few percent of the CPU and
 * every quiet learner's echo took a second. Inside, it gets at least half of the lab's share whenever it has work, and
 * being mostly idle it is let in at once when a keystroke wakes it. It only takes what it uses: the workspaces get the
 * rest.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import type { LimitFile } from './cgroup-files.ts';

export const BACKEND_CPU_LEAF = 'backend';

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
   * Moves this process (all its threads) into a leaf of `instanceDir`, the lab's group in the cpu hierarchy; `home`
   * is the group it leaves, where it goes back at the end. Null, with a warning, when the kernel refuses.
   */
  static async join(instanceDir: string, home: string, log: Logger): Promise<BackendCpuGroup | null> {
    const dir = path.join(instanceDir, BACKEND_CPU_LEAF);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'cgroup.procs'), String(process.pid));
      return new BackendCpuGroup(dir, home, log);
    } catch (error) {
      log.warn('the backend keeps its CPU share outside the lab group', { error: String(error) });
      return null;
    }
  }

  async weigh(weight: LimitFile): Promise<void> {
    await writeFile(path.join(this.#dir, weight.file), weight.value).catch((error: unknown) => {
      this.#log.warn("could not set the backend's CPU weight", { error: String(error) });
    });
  }

  /** Back to the group it came from, so the lab's groups can be removed. Idempotent. */
  leave(): Promise<void> {
    this.#left ??= (async () => {
      const fallback = path.dirname(path.dirname(this.#dir));
      for (const group of [this.#home, fallback]) {
        try {
          await writeFile(path.join(group, 'cgroup.procs'), String(process.pid));
          return;
        } catch {
          // A second lab in this process may have removed the group this one came from: the next will do.
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
