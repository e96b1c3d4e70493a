/**
 * What a workspace holds on the host, before any learner's files are in it: its disk (home, tmp, shm, etc), its
 * cgroup and its runtime (normally a bubblewrap holder). None of it depends on the learner or the lesson, only on
 * the identity it runs as, so the sandbox pool can make it ahead; Workspace.create then fills the home.
 */
import { chown, lchown, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Identity } from '../sandbox/argv.ts';
import type { WorkspaceCgroup } from '../sandbox/cgroup.ts';
import { hostRuntime, startSandbox, type WorkspaceRuntime } from '../sandbox/sandbox.ts';
import type { WorkspaceEnvironment } from './workspace.ts';
import { WaitingShell } from './shells.ts';
import { WorkspaceDisk } from './workspace-disk.ts';

/** A workspace's host parts, ready to take a learner's files into `home`. */
export interface PreparedHost {
  /** Its directory on the host (the disk), named for what made it. */
  readonly root: string;
  /** The home directory, bound to /home/learner in the sandbox: empty until a workspace fills it. */
  readonly home: string;
  readonly identity: Identity;
  readonly runtime: WorkspaceRuntime;
  readonly disk: WorkspaceDisk;
  readonly cgroup: WorkspaceCgroup | null;
  /** Shells started ahead in it (the pool's sandboxes), for its first terminals. */
  readonly shells: readonly WaitingShell[];
}

/** The parts made so far, for releaseHost. */
type PartialHost = {
  -readonly [K in keyof PreparedHost]: K extends 'runtime' ? WorkspaceRuntime | null : PreparedHost[K];
};

/**
 * Makes the disk, the cgroup (both named `name`), the sandbox's files and starts its runtime, and in it `shellsAhead`
 * shells for its first terminals (the pool's sandboxes: a learner arriving then finds their prompts waiting).
 */
export async function prepareHost(
  name: string,
  identity: Identity,
  env: WorkspaceEnvironment,
  shellsAhead = 0,
): Promise<PreparedHost> {
  const root = path.join(env.dataDir, name);
  const uid = identity?.uid ?? process.getuid?.() ?? 1000;
  const gid = identity?.gid ?? process.getgid?.() ?? 1000;
  const host: PartialHost = {
    root,
    home: path.join(root, 'home'),
    identity,
    runtime: null,
    disk: await WorkspaceDisk.create(root, env.limits.diskSpec({ uid, gid })),
    cgroup: null,
    shells: [],
  };
  try {
    const cgroup = (host.cgroup = await env.limits.createCgroup(name));
    const [tmp, shm, etc] = ['tmp', 'shm', 'etc'].map((dir) => path.join(root, dir)) as [string, string, string];
    await mkdir(tmp, { mode: 0o1777 });
    await mkdir(shm, { mode: 0o1777 });
    await mkdir(etc, { mode: 0o755 });
    await mkdir(host.home, { mode: 0o755 });
    await writeFile(
      path.join(etc, 'passwd'),
      `learner:x:${uid}:${gid}:Socket Lab learner:/home/learner:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    );
    await writeFile(path.join(etc, 'group'), `learner:x:${gid}:\nnogroup:x:65534:\n`);
    if (identity) await chownTree(root, identity.uid, identity.gid);

    const limits = env.limits.processLimits(cgroup, identity);
    const layout = {
      home: host.home,
      tmp,
      shm,
      passwd: path.join(etc, 'passwd'),
      group: path.join(etc, 'group'),
      tools: env.tools,
      hostRoot: env.hostRoot,
    };
    host.runtime = env.sandboxed
      ? await startSandbox(layout, identity, limits, env.netParent?.entry ?? [], env.log)
      : hostRuntime(host.home, env.tools, limits, env.log);
    const { runtime } = host;
    const shells = await Promise.all(Array.from({ length: shellsAhead }, () => WaitingShell.start(runtime, env.log)));
    host.shells = shells.filter((shell) => shell !== null);
    return { ...host, runtime: host.runtime };
  } catch (error) {
    await releaseHost(host).catch((cleanup: unknown) =>
      env.log.error('could not clean up a workspace that failed to start', { error: String(cleanup) }),
    );
    throw error;
  }
}

/**
 * Whatever the terminals left goes (the sandbox's PID namespace), then the files and the disk (a mount can only go
 * once nothing uses it), then the cgroup (rmdir needs it empty). Each step is idempotent, so this is too.
 */
export async function releaseHost({ runtime, disk, cgroup, shells }: PartialHost): Promise<void> {
  try {
    for (const shell of shells) shell.end();
    await runtime?.kill();
    await disk.release();
  } finally {
    await cgroup?.remove();
  }
}

export async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}
