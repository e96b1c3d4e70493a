/**
 * Brings the lab up from a validated config: labs, data directory, sandbox check, workspace registry and backend;
 * and takes it down again. Used by the standalone server and by the Astro dev integration.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createLabBackend, type LabBackend } from './backend.ts';
import type { Config } from './config.ts';
import { originPolicy } from './http/origin.ts';
import { loadLabCatalog, type LabCatalog } from './lessons/lab-catalog.ts';
import type { Logger } from './log.ts';
import type { Identity, SandboxTools } from './sandbox/argv.ts';
import { checkSandbox } from './sandbox/preflight.ts';
import { WorkspaceRegistry } from './workspace/workspace-registry.ts';

/** What the backend's installation lends every sandbox: its files, its Node, the npm packages lessons import. */
export function sandboxTools(): SandboxTools {
  const require = createRequire(import.meta.url);
  return {
    filesDir: path.join(import.meta.dirname, '..', 'sandbox'),
    nodeBinary: process.execPath,
    nodePackages: { ws: path.dirname(require.resolve('ws/package.json')) },
  };
}

export class SandboxUnavailableError extends Error {
  readonly fix: string;
  constructor(problem: string, fix: string) {
    super(`workspace sandboxes cannot be created here: ${problem}`);
    this.fix = fix;
  }
}

export interface RunningLab {
  readonly backend: LabBackend;
  readonly registry: WorkspaceRegistry;
  readonly catalog: LabCatalog;
  readonly dataDir: string;
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

  // Always a directory of its own, even inside --data-dir: its mode is changed below and it is removed at the end.
  const parent = config.dataDir ?? os.tmpdir();
  await mkdir(parent, { recursive: true });
  const dataDir = await mkdtemp(path.join(parent, 'socket-lab-'));
  const identityForSlot = identityFor(config);
  const tools = sandboxTools();
  // Sandbox users must be able to pass through to their own workspace directory, and list nothing.
  if (identityForSlot(0)) await chmod(dataDir, 0o711);

  try {
    if (config.unsafeNoSandbox) {
      log.warn(
        '!!! --unsafe-no-sandbox: learner terminals run UNSANDBOXED as this user, with full access to this ' +
          'machine. Only for a trusted single-user laptop. Listening on loopback only. !!!',
      );
    } else {
      const check = await checkSandbox({ dataDir, tools, identity: identityForSlot(0) });
      if (!check.ok) throw new SandboxUnavailableError(check.problem, check.fix);
      log.info(check.detail);
    }
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const registry = new WorkspaceRegistry({
    limits: {
      maxWorkspaces: config.maxWorkspaces,
      maxWorkspacesPerLearner: config.maxWorkspacesPerLearner,
      idleTimeoutMs: config.idleTimeoutMs,
    },
    environment: {
      dataDir,
      sandboxed: !config.unsafeNoSandbox,
      tools,
      scrollbackBytes: config.scrollbackBytes,
      log,
    },
    identityForSlot,
    log,
  });
  const origins = originPolicy({
    listenHost: config.host,
    machineNames: machineNames(),
    extraOrigins: config.allowedOrigins,
  });
  const backend = createLabBackend({ config, origins, catalog, registry, log });

  let closing: Promise<void> | null = null;
  return {
    backend,
    registry,
    catalog,
    dataDir,
    close: () => {
      closing ??= (async () => {
        await backend.close();
        await registry.closeAll();
        await rm(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
