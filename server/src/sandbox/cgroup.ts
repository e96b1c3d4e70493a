/**
 * Each workspace's own cgroup: its memory (files in its tmpfs included), its number of processes and its CPU time
 * are limited by the kernel, and the kernel's counters say when a limit stopped a program.
 *
 * A lab instance makes one group of its own (see cgroup-delegation.ts for where) and a group per workspace under
 * it. Processes join a workspace's group themselves, before they run anything else (see privilegePrefix in
 * argv.ts and server/sandbox/join-cgroup), so nothing a learner starts ever runs outside it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { BACKEND_CPU_SUFFIX, BackendCpuGroup } from './backend-cpu.ts';
import { claimGroups, inheritCpuset, type Claim, type Missing, type Placement } from './cgroup-delegation.ts';
import {
  labWeight,
  limitFiles,
  readCounters,
  shouldWrite,
  type CgroupLimits,
  type CgroupVersion,
  type LimitCounters,
} from './cgroup-files.ts';
import { CONTROLLERS, type Controller, type HostCgroups } from './cgroup-paths.ts';
import { parseCpuList } from './cpu-list.ts';
import { ownerAlive } from './instance-owner.ts';
import { readWholeKernelFile } from './kernel-file.ts';
import { signalProcesses } from './processes.ts';

export type CgroupSetup = { ok: true; host: CgroupHost } | { ok: false; problem: string; fix: string };

/**
 * `socket-lab-<owner tag>-<random>`: one per lab instance, and the backend's CPU group beside it with a suffix; the
 * tag says whether its backend still runs.
 */
const INSTANCE = new RegExp(`^socket-lab-(\\d+-\\d+)-[0-9a-f]+(?:${BACKEND_CPU_SUFFIX})?$`);
/** A group empties only once its last process has been reaped, a little after it was killed. */
const RMDIR_PATIENCE_MS = 5000;
const RMDIR_POLL_MS = 50;

export class CgroupHost {
  readonly version: CgroupVersion;
  /** Controllers that limit every workspace. */
  readonly controllers: readonly Controller[];
  /** Controllers wanted but not available here, and why. */
  readonly missing: Readonly<Missing>;
  readonly #placements: readonly Placement[];
  readonly #weighted: readonly string[];
  readonly #log: Logger;
  #backend: BackendCpuGroup | null = null;
  #labCpus: number[] | null = null;
  #closing: Promise<void> | null = null;

  private constructor(claim: Extract<Claim, { ok: true }>, log: Logger) {
    this.version = claim.version;
    this.#placements = claim.placements;
    this.#weighted = claim.weighted;
    this.controllers = claim.placements.flatMap((p) => p.controllers);
    this.missing = claim.missing;
    this.#log = log;
  }

  /**
   * Finds where this lab may make groups with the `wanted` controllers, makes its instance group there, and removes
   * ones crashed labs left.
   */
  static async start(
    found: HostCgroups,
    isRoot: boolean,
    ownerTag: string,
    log: Logger,
    wanted: readonly Controller[] = CONTROLLERS,
  ): Promise<CgroupSetup> {
    const instance = `socket-lab-${ownerTag}-${randomBytes(3).toString('hex')}`;
    try {
      const claim = await claimGroups(found, isRoot, instance, wanted);
      if (!claim.ok) return claim;
      for (const container of claim.containers) await removeStale(container, instance, log);
      const host = new CgroupHost(claim, log);
      // As root only: an unprivileged backend sits in the leaf its delegation gave it (cgroup-delegation.ts).
      const cpu = claim.placements.find((p) => p.controllers.includes('cpu'));
      const home = claim.version === 1 ? found.v1.find((h) => h.controllers.includes('cpu'))?.dir : found.unified?.dir;
      if (isRoot && cpu && home) host.#backend = await BackendCpuGroup.join(claim.version, cpu.dir, home, log);
      host.#labCpus = await readLabCpus(
        claim.version,
        claim.placements.find((p) => p.controllers.includes('cpuset')),
      );
      await host.#weighLab();
      return { ok: true, host };
    } catch (error) {
      return {
        ok: false,
        problem: `cannot make the lab's cgroup: ${(error as Error).message}`,
        fix: 'run the backend as root, or pass --no-limits',
      };
    }
  }

  /** The CPUs the lab's groups may use (its cpuset); null without the cpuset controller. */
  get labCpus(): readonly number[] | null {
    return this.#labCpus;
  }

  /** For the log and `doctor`. */
  describe(): string {
    const where = this.#placements.map((p) => path.dirname(p.dir)).join(', ');
    return `cgroup v${this.version} (${this.controllers.join(', ')}), a group per workspace under ${where}`;
  }

  /** Makes the workspace's group, in every hierarchy, with its limits written. */
  async createWorkspace(name: string, limits: CgroupLimits): Promise<WorkspaceCgroup> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`unusable cgroup name "${name}"`);
    const made: Placement[] = [];
    try {
      for (const placement of this.#placements) {
        const dir = path.join(placement.dir, name);
        await mkdir(dir);
        made.push({ dir, controllers: placement.controllers });
        if (this.version === 1) await inheritCpuset(dir);
        for (const controller of placement.controllers) {
          for (const limit of limitFiles(this.version, controller, limits)) {
            if (await shouldWrite(dir, limit)) await writeFile(path.join(dir, limit.file), limit.value);
          }
        }
      }
    } catch (error) {
      await removeGroups(made.map((p) => p.dir)).catch(() => undefined);
      throw error;
    }
    return new WorkspaceCgroup(this.version, made);
  }

  /** Sets the lab group's CPU weight against the rest of the machine, once (see labWeight). */
  async #weighLab(): Promise<void> {
    const weight = labWeight(this.version);
    for (const dir of this.#weighted) {
      await writeFile(path.join(dir, weight.file), weight.value).catch((error: unknown) => {
        // The workspaces keep their own limits; only their share against the rest of the machine is off.
        this.#log.warn('could not set the CPU weight of the lab group', { group: dir, error: String(error) });
      });
    }
  }

  /** Removes the instance group (its workspaces' groups must be gone). Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#backend?.leave();
      await removeGroups([...(this.#backend ? [this.#backend.dir] : []), ...this.#placements.map((p) => p.dir)]);
    })();
    return this.#closing;
  }
}

export class WorkspaceCgroup {
  readonly version: CgroupVersion;
  readonly #placements: readonly Placement[];
  #removing: Promise<void> | null = null;

  constructor(version: CgroupVersion, placements: Placement[]) {
    this.version = version;
    this.#placements = placements;
  }

  /** The cgroup.procs files a process writes its own pid into to join the workspace (one per hierarchy). */
  get procsFiles(): string[] {
    return this.#placements.map((p) => path.join(p.dir, 'cgroup.procs'));
  }

  /**
   * Every process in the workspace, by host pid: each joins the group before it runs anything and cannot leave it,
   * so this is the whole workspace (one hierarchy is enough: they join every one at once). Read at once: a kernel
   * pseudo-file, see the top of processes.ts.
   */
  processes(): number[] {
    const [first] = this.procsFiles;
    if (!first) return [];
    // Null once removed: nothing is left in it.
    const text = readWholeKernelFile(first) ?? '';
    return text.split('\n').filter(Boolean).map(Number);
  }

  has(controller: Controller): boolean {
    return this.#placements.some((p) => p.controllers.includes(controller));
  }

  /** The kernel's own counts of programs stopped by a limit; a few small file reads, at once (kernel-file.ts). */
  counters(): LimitCounters {
    return readCounters(this.version, (c) => this.#placements.find((p) => p.controllers.includes(c))?.dir ?? null);
  }

  /** Removes the group once its last process is gone. Idempotent. */
  remove(): Promise<void> {
    this.#removing ??= removeGroups(this.#placements.map((p) => p.dir));
    return this.#removing;
  }
}

/** The CPUs the instance group has, as the kernel applies them (its parent's where it has none of its own). */
async function readLabCpus(version: CgroupVersion, cpuset: Placement | undefined): Promise<number[] | null> {
  if (!cpuset) return null;
  const files = version === 1 ? ['cpuset.effective_cpus', 'cpuset.cpus'] : ['cpuset.cpus.effective'];
  for (const file of files) {
    const text = await readFile(path.join(cpuset.dir, file), 'utf8').catch(() => null);
    if (text !== null) return parseCpuList(text);
  }
  return null;
}

async function removeGroups(dirs: readonly string[]): Promise<void> {
  const results = await Promise.allSettled(dirs.map((dir) => removeGroup(dir)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The pids in a group (its cgroup.procs); none when it has no such file. Never this process, nor the host's init. */
async function membersOf(group: string): Promise<number[]> {
  const text = await readFile(path.join(group, 'cgroup.procs'), 'latin1').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid > 1 && pid !== process.pid);
}

/** rmdir is how a cgroup is removed; it fails with EBUSY while the group still has processes (or children). */
async function removeGroup(dir: string): Promise<void> {
  const deadline = Date.now() + RMDIR_PATIENCE_MS;
  for (;;) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() >= deadline) throw error;
    }
    await sleep(RMDIR_POLL_MS);
  }
}

/**
 * Instance groups of labs whose backend is gone (it crashed), with their workspace groups. Whatever still runs in
 * them belongs to a lab that no longer exists, and nothing else would ever end it: a sandbox whose backend was killed
 * while it was starting waits forever for a setup that will not come. It is killed first. A group cannot be removed
 * while anything runs in it, and every such group held the start up for five seconds (six of them: past the test
 * suite's 30 s).
 */
async function removeStale(container: string, ours: string, log: Logger): Promise<void> {
  const entries = await readdir(container, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const owner = INSTANCE.exec(entry.name)?.[1];
    if (!entry.isDirectory() || !owner || entry.name === ours || (await ownerAlive(owner))) continue;
    const dir = path.join(container, entry.name);
    try {
      const children = (await readdir(dir, { withFileTypes: true }))
        .filter((c) => c.isDirectory())
        .map((c) => path.join(dir, c.name));
      for (const group of [...children, dir]) signalProcesses(await membersOf(group), 'SIGKILL');
      await removeGroups(children);
      await removeGroup(dir);
      log.info('removed a cgroup left by a stopped backend', { group: dir });
    } catch (error) {
      log.warn('could not remove a cgroup left by a stopped backend', { group: dir, error: String(error) });
    }
  }
}
