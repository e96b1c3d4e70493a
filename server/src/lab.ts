/**
 * Brings the lab up from a validated config: labs, data directory, sandbox check, workspace registry and backend;
 * and takes it down again. Used by the standalone server and by the Astro dev integration.
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createLabBackend, type LabBackend } from './backend.ts';
import { isLoopback } from './config-options.ts';
import type { Config } from './config.ts';
import { originPolicy } from './http/origin.ts';
import { loadLabCatalog, type LabCatalog } from './lessons/lab-catalog.ts';
import type { Logger } from './log.ts';
import { SANDBOX_POOL } from '#protocol/limits.ts';
import type { Identity, SandboxTools } from './sandbox/argv.ts';
import { formatLimits, LabLimits, type LabLimitsOptions } from './sandbox/lab-limits.ts';
import { inspectHostRoot } from './sandbox/host-root.ts';
import { ownerTag } from './sandbox/instance-owner.ts';
import { NetworkParent } from './sandbox/net-parent.ts';
import { checkSandbox } from './sandbox/preflight.ts';
import { makeScratchDir, removeStaleScratchDirs } from './sandbox/scratch-dir.ts';
import { stageTools } from './sandbox/staged-tools.ts';
import { Store } from './store/store.ts';
import { SandboxPool } from './workspace/sandbox-pool.ts';
import { Slots } from './workspace/slots.ts';
import { prepareHost } from './workspace/workspace-host.ts';
import { WorkspaceRegistry } from './workspace/workspace-registry.ts';
import { Workspace, type WorkspaceEnvironment } from './workspace/workspace.ts';

/** What the backend's installation lends every sandbox: its files, its Node, the npm packages lessons import. */
export function sandboxTools(): SandboxTools {
  const require = createRequire(import.meta.url);
  return {
    filesDir: path.join(import.meta.dirname, '..', 'sandbox'),
    nodeBinary: process.execPath,
    nodePackages: { ws: path.dirname(require.resolve('ws/package.json')) },
  };
}

/**
 * The tools, staged where a sandbox user can read them. The project may live where only its owner can enter (root's
 * home is 0700), and bwrap binds its sources as the workspace's uid; so the sandbox gets copies (hard links where the
 * file system allows) in the scratch directory, not paths into the project.
 */
export async function stagedSandboxTools(scratchDir: string): Promise<SandboxTools> {
  return stageTools(sandboxTools(), path.join(scratchDir, 'tools'));
}

export class SandboxUnavailableError extends Error {
  readonly fix: string;
  constructor(problem: string, fix: string) {
    super(`workspace sandboxes cannot be created here: ${problem}`);
    this.fix = fix;
  }
}

/** The lab would serve beyond loopback although the machine cannot enforce every workspace limit. */
export class LimitsUnavailableError extends Error {
  readonly fix: string;
  constructor(problem: string, fix: string) {
    super(problem);
    this.fix = fix;
  }
}

/** How the lab's limits are set up from the config (by the lab and by `doctor`). */
export function limitsOptions(config: Config, dataDir: string, log: Logger): LabLimitsOptions {
  return {
    values: config.limits,
    noLimits: config.noLimits,
    dataDir,
    isRoot: process.getuid?.() === 0,
    joinHelper: path.join(sandboxTools().filesDir, 'join-cgroup'),
    log,
  };
}

/** Starts the limits; warns when some cannot be enforced, and refuses to serve beyond loopback then. */
async function startLimits(config: Config, dataDir: string, log: Logger): Promise<LabLimits> {
  const limits = await LabLimits.start(limitsOptions(config, dataDir, log));
  const { report } = limits;
  if (config.noLimits) {
    log.warn('--no-limits: workspaces have no memory, process, CPU or disk limits', { cgroups: report.cgroups });
  } else if (report.complete) {
    log.info(formatLimits(report), { cgroups: report.cgroups });
  } else {
    log.warn(formatLimits(report), { cgroups: report.cgroups });
    if (!isLoopback(config.host)) {
      await limits.close();
      throw new LimitsUnavailableError(
        `not serving on ${config.host}: this machine cannot enforce every workspace limit (see the warning above)`,
        'run the backend as root on a machine with cgroups (v2 with delegation, or v1), or accept it with --no-limits',
      );
    }
  }
  return limits;
}

export interface RunningLab {
  readonly backend: LabBackend;
  readonly registry: WorkspaceRegistry;
  readonly catalog: LabCatalog;
  readonly store: Store;
  /** Running workspaces and the staged tools; temporary, removed on close. Learners' work is in the store. */
  readonly scratchDir: string;
  /** One directory per running workspace (and per sandbox started ahead), in the scratch directory. */
  readonly workspacesDir: string;
  /** Sandboxes started ahead of learners; null with --sandbox-pool 0. */
  readonly pool: SandboxPool | null;
  /** Reaps every workspace and removes what the lab created. Idempotent. */
  close(): Promise<void>;
}

/** What learners' browsers may call this machine when the lab listens on every interface. */
function machineNames(): string[] {
  const addresses = Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
  return [os.hostname(), ...addresses];
}

/** When root, workspace N runs as uid/gid base+N; slot 0 is the start-up check's. */
export function identityFor(config: Config): (slot: number) => Identity {
  if (process.getuid?.() !== 0) return () => null;
  return (slot) => ({ uid: config.sandboxUidBase + slot, gid: config.sandboxUidBase + slot });
}

export async function startLab(config: Config, log: Logger): Promise<RunningLab> {
  const catalog = await loadLabCatalog(config.examplesDir);
  if (catalog.size === 0) throw new Error(`no labs found in ${config.examplesDir} (folders with a lab.json)`);

  const store = await Store.open(config.dataDir);
  const scratchDir = await makeScratchDir(os.tmpdir(), await ownerTag());
  const identityForSlot = identityFor(config);
  // Sandbox users must be able to pass through to their own workspace directory, and list nothing.
  if (identityForSlot(0)) await chmod(scratchDir, 0o711);

  const workspacesDir = path.join(scratchDir, 'workspaces');
  const hostRoot = inspectHostRoot();
  let tools: SandboxTools;
  let limits: LabLimits;
  let netParent: NetworkParent | null = null;
  try {
    await mkdir(workspacesDir, { mode: 0o711 });
    // mkdir's mode is masked by the umask; sandbox users must still pass through.
    await chmod(workspacesDir, 0o711);
    tools = await stagedSandboxTools(scratchDir);
    if (config.unsafeNoSandbox) {
      log.warn(
        '!!! --unsafe-no-sandbox: learner terminals run UNSANDBOXED as this user, with full access to this ' +
          'machine. Only for a trusted single-user laptop. Listening on loopback only. !!!',
      );
    } else {
      const check = await checkSandbox({
        dataDir: scratchDir,
        tools,
        hostRoot,
        identity: identityForSlot(0),
      });
      if (!check.ok) throw new SandboxUnavailableError(check.problem, check.fix);
      log.info(check.detail);
    }
    limits = await startLimits(config, scratchDir, log);
    // After startLimits, which unmounts the disks that crashed backends left in theirs.
    await removeStaleScratchDirs(os.tmpdir(), log);
    if (!config.unsafeNoSandbox) netParent = await NetworkParent.start(process.getuid?.() === 0, log);
  } catch (error) {
    await rm(scratchDir, { recursive: true, force: true });
    store.close();
    throw error;
  }

  const environment: WorkspaceEnvironment = {
    dataDir: workspacesDir,
    sandboxed: !config.unsafeNoSandbox,
    tools,
    hostRoot,
    scrollbackBytes: config.scrollbackBytes,
    store,
    limits,
    netParent,
    log,
  };
  const slots = new Slots();
  const pool =
    config.sandboxPool > 0
      ? new SandboxPool({
          size: config.sandboxPool,
          slots,
          identityForSlot,
          prepare: (name, identity) =>
            prepareHost(name, identity, environment, shellsAhead(catalog, config.sandboxPool)),
          log,
        })
      : null;
  const registry = new WorkspaceRegistry({
    limits: {
      maxWorkspaces: config.maxWorkspaces,
      maxWorkspacesPerLearner: config.maxWorkspacesPerLearner,
      idleTimeoutMs: config.idleTimeoutMs,
    },
    createWorkspace: (spec) => Workspace.create(spec, environment),
    work: store.work,
    identityForSlot,
    slots,
    takePrepared: () => pool?.take() ?? null,
    log,
  });
  pool?.start();
  const origins = originPolicy({
    listenHost: config.host,
    machineNames: machineNames(),
    extraOrigins: config.allowedOrigins,
  });
  const backend = createLabBackend({ config, origins, catalog, registry, store, log });

  let closing: Promise<void> | null = null;
  return {
    backend,
    registry,
    catalog,
    store,
    scratchDir,
    workspacesDir,
    pool,
    close: () => {
      closing ??= (async () => {
        await backend.close();
        try {
          await registry.closeAll();
          await pool?.close();
          netParent?.close();
          await limits.close().catch((error: unknown) => {
            log.error("could not remove the lab's cgroup", { error: String(error) });
          });
        } finally {
          await rm(scratchDir, { recursive: true, force: true });
          store.close();
        }
      })();
      return closing;
    },
  };
}

/**
 * Shells each of the pool's `size` sandboxes starts ahead: as many as the lab with the most terminals shows at once,
 * within the limits (per sandbox, and in all: a large pool gets fewer each, or none).
 */
export function shellsAhead(catalog: LabCatalog, size: number): number {
  const most = Math.max(0, ...[...catalog.values()].map((lab) => lab.manifest.terminals.length));
  return Math.min(SANDBOX_POOL.shellsAhead, most, Math.floor(SANDBOX_POOL.shellsInAll / Math.max(1, size)));
}
