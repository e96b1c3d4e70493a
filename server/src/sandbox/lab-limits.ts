/**
 * The lab's per-workspace limits, as this machine can enforce them: finds the cgroups (v1 or v2) and whether
 * size-limited disks can be mounted, says which limits hold (the log at start, `doctor`), and gives each workspace
 * its cgroup, its disk and the limits its processes start under.
 */
import { readFile } from 'node:fs/promises';
import type { WorkspaceLimits } from '../config.ts';
import type { Logger } from '../log.ts';
import { probeDisk, removeStaleDisks, type DiskSpec } from '../workspace/workspace-disk.ts';
import { MAX_FILE_SIZE, type Identity, type Limits } from './argv.ts';
import { CgroupHost, type CgroupSetup, type WorkspaceCgroup } from './cgroup.ts';
import type { Missing } from './cgroup-delegation.ts';
import type { CgroupLimits, CgroupVersion } from './cgroup-files.ts';
import { CONTROLLERS, locateCgroups, type Controller } from './cgroup-paths.ts';
import { formatCpuList, splitCpus, type CpuSplit } from './cpu-list.ts';
import { ownerTag } from './instance-owner.ts';
import { parseMountinfo } from './mountinfo.ts';

export type LimitName = 'memory' | 'processes' | 'CPU' | 'disk' | 'open files';

export interface LimitStatus {
  limit: LimitName;
  enforced: boolean;
  /** How it is enforced, or why it is not. */
  detail: string;
}

export interface LimitsReport {
  /** The cgroup version in use; null: none. */
  cgroupVersion: CgroupVersion | null;
  /** Which cgroups are used, or why none. */
  cgroups: string;
  items: LimitStatus[];
  /** Every limit is enforced. */
  complete: boolean;
}

export interface LabLimitsOptions {
  values: WorkspaceLimits;
  noLimits: boolean;
  /** The lab's data directory, where a test disk is mounted. */
  dataDir: string;
  isRoot: boolean;
  /** server/sandbox/join-cgroup: how a process joins its workspace's cgroup before anything else runs. */
  joinHelper: string;
  log: Logger;
}

const MIB = 1024 * 1024;

export class LabLimits {
  readonly values: WorkspaceLimits;
  readonly report: LimitsReport;
  readonly #cgroups: CgroupHost | null;
  readonly #cpus: CpuSplit;
  readonly #disks: boolean;
  readonly #ownerTag: string;
  readonly #joinHelper: string;

  private constructor(options: LabLimitsOptions, found: Found, tag: string) {
    this.values = options.values;
    this.#cgroups = found.cgroups;
    this.#cpus = found.cpus;
    this.#disks = found.diskProblem === null;
    this.#ownerTag = tag;
    this.#joinHelper = options.joinHelper;
    this.report = describeLimits(options, found);
  }

  static async start(options: LabLimitsOptions): Promise<LabLimits> {
    const tag = await ownerTag();
    if (options.noLimits) {
      const off = '--no-limits';
      const cpus: CpuSplit = { kept: false, why: off };
      return new LabLimits(
        options,
        { cgroups: null, cgroupsText: off, missing: {}, noCgroups: off, cpus, diskProblem: off },
        tag,
      );
    }
    const [selfCgroup, mountinfo] = await Promise.all([
      readFile('/proc/self/cgroup', 'utf8'),
      readFile('/proc/self/mountinfo', 'utf8'),
    ]);
    const located = locateCgroups(selfCgroup, parseMountinfo(mountinfo));
    // cpuset only to keep CPUs: every group is one more for each workspace process to join.
    const wanted = CONTROLLERS.filter((c) => c !== 'cpuset' || options.values.backendCpus > 0);
    const cgroups = await CgroupHost.start(located, options.isRoot, tag, options.log, wanted);
    const setup = await probed(cgroups, options.values);
    let diskProblem: string | null = 'not root: only root can mount a size-limited tmpfs';
    if (options.isRoot) {
      await removeStaleDisks(options.log);
      diskProblem = await probeDisk(options.dataDir, tag);
    }
    const found: Found = setup.ok
      ? {
          cgroups: setup.host,
          cgroupsText: setup.host.describe(),
          missing: setup.host.missing,
          noCgroups: '',
          cpus: cpuSplit(setup.host, options.values.backendCpus),
          diskProblem,
        }
      : {
          cgroups: null,
          cgroupsText: `none: ${setup.problem} (fix: ${setup.fix})`,
          missing: {},
          noCgroups: 'no cgroups',
          cpus: { kept: false, why: 'no cgroups' },
          diskProblem,
        };
    return new LabLimits(options, found, tag);
  }

  /** Makes the workspace's cgroup; null when there are no cgroups to make. */
  async createCgroup(name: string): Promise<WorkspaceCgroup | null> {
    if (!this.#cgroups) return null;
    return this.#cgroups.createWorkspace(name, cgroupLimits(this.values, this.#cpus));
  }

  /** The size-limited disk a workspace running as `owner` gets; null when disks are not limited. */
  diskSpec(owner: { uid: number; gid: number }): DiskSpec | null {
    if (!this.#disks) return null;
    return { bytes: this.values.diskBytes, uid: owner.uid, gid: owner.gid, ownerTag: this.#ownerTag };
  }

  /** What every process of a workspace starts under. */
  processLimits(cgroup: WorkspaceCgroup | null, identity: Identity): Limits {
    return {
      cgroup: cgroup ? { helper: this.#joinHelper, procsFiles: cgroup.procsFiles } : null,
      // RLIMIT_NPROC counts the processes of a user, so it is a process limit only when each workspace has its own
      // uid; and it would refuse forks before pids.max does, hiding the reason the cgroup reports.
      processes: identity && !cgroup?.has('pids') ? this.values.processes : null,
      openFiles: this.values.openFiles,
      fileSize: MAX_FILE_SIZE,
    };
  }

  /** Removes the lab's own cgroup; its workspaces must have ended. Idempotent. */
  close(): Promise<void> {
    return this.#cgroups?.close() ?? Promise.resolve();
  }
}

function cgroupLimits(values: WorkspaceLimits, split: CpuSplit): CgroupLimits {
  const { memoryBytes, processes, cpus } = values;
  return { memoryBytes, processes, cpus, workspaceCpus: split.kept ? split.workspaces : null };
}

function cpuSplit(host: CgroupHost, backendCpus: number): CpuSplit {
  const lab = host.labCpus;
  if (lab || backendCpus === 0) return splitCpus(lab ?? [], backendCpus);
  return { kept: false, why: host.missing.cpuset ?? 'no cpuset controller' };
}

/** A workspace group is made with the lab's limits and removed again: the limits can be set, not just the group made. */
async function probed(setup: CgroupSetup, values: WorkspaceLimits): Promise<CgroupSetup> {
  if (!setup.ok) return setup;
  try {
    const limits = cgroupLimits(values, cpuSplit(setup.host, values.backendCpus));
    await (await setup.host.createWorkspace('limits-probe', limits)).remove();
    return setup;
  } catch (error) {
    await setup.host.close().catch(() => undefined);
    return { ok: false, problem: `cannot set workspace limits: ${String(error)}`, fix: 'pass --no-limits' };
  }
}

interface Found {
  cgroups: CgroupHost | null;
  cgroupsText: string;
  /** Why a controller is not there, when there are cgroups. */
  missing: Readonly<Missing>;
  /** Which CPUs are kept from the workspaces. */
  cpus: CpuSplit;
  /** Why there are no cgroups at all, in brief (cgroupsText has it in full). */
  noCgroups: string;
  /** Why disks cannot be limited; null if they can. */
  diskProblem: string | null;
}

function describeLimits(options: LabLimitsOptions, found: Found): LimitsReport {
  const v = options.values;
  const has = (c: Controller) => found.cgroups?.controllers.includes(c) ?? false;
  const why = (controller: Controller) => found.noCgroups || found.missing[controller] || `no ${controller} controller`;
  const version = `cgroup v${found.cgroups?.version ?? '?'}`;
  const items: LimitStatus[] = [
    has('memory')
      ? { limit: 'memory', enforced: true, detail: `${v.memoryBytes / MIB} MiB (${version} memory)` }
      : { limit: 'memory', enforced: false, detail: why('memory') },
    has('pids')
      ? { limit: 'processes', enforced: true, detail: `${v.processes} (${version} pids)` }
      : options.isRoot
        ? {
            limit: 'processes',
            enforced: true,
            detail: `${v.processes} per workspace user (RLIMIT_NPROC; learners are not told when it is reached)`,
          }
        : { limit: 'processes', enforced: false, detail: why('pids') },
    has('cpu')
      ? { limit: 'CPU', enforced: true, detail: `${v.cpus} CPU, equal shares (${version} cpu); ${kept(found.cpus)}` }
      : { limit: 'CPU', enforced: false, detail: why('cpu') },
    found.diskProblem === null
      ? { limit: 'disk', enforced: true, detail: `${v.diskBytes / MIB} MiB tmpfs for home, /tmp and /dev/shm` }
      : { limit: 'disk', enforced: false, detail: found.diskProblem },
    { limit: 'open files', enforced: true, detail: `${v.openFiles} per process (RLIMIT_NOFILE)` },
  ];
  return {
    cgroupVersion: found.cgroups?.version ?? null,
    cgroups: found.cgroupsText,
    items,
    complete: items.every((i) => i.enforced),
  };
}

function kept(split: CpuSplit): string {
  if (!split.kept) return `learners' programs may run on every CPU (${split.why})`;
  const backend = formatCpuList(split.backend);
  return `CPU ${backend} kept for the backend, learners' programs on ${formatCpuList(split.workspaces)} (cpuset)`;
}

/** One line for the log: what is enforced, and what is not. */
export function formatLimits(report: LimitsReport): string {
  const missing = report.items.filter((i) => !i.enforced);
  const held = report.items.filter((i) => i.enforced).map((i) => `${i.limit} ${i.detail}`);
  if (missing.length === 0) return `workspace limits: ${held.join('; ')}`;
  return `workspace limits NOT enforced: ${missing.map((i) => `${i.limit} (${i.detail})`).join('; ')}`;
}
