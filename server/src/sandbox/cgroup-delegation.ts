/**
 * Which cgroups this lab instance may make its workspace groups in, and making its own instance group there.
 *
 * cgroup v2 (one unified hierarchy; what current Debian and Ubuntu servers run): as root, a `socket-lab` group at
 * the top of the hierarchy. Otherwise (or when the top refuses, as a container's cgroup namespace root with
 * processes does) the backend's own group, when its user may write it (systemd's Delegate=yes). v2 lets a group
 * hand controllers to its children only while it holds no processes itself, so the backend first moves everything
 * in its group into a leaf beside the workspaces.
 *
 * cgroup v1 (a hierarchy per controller, as on the machine this was written on): the instance group goes under the
 * backend's OWN group in each of the memory, pids and cpu hierarchies, so the lab stays inside whatever the host put
 * it in.
 */
import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupVersion } from './cgroup-files.ts';
import type { Controller, HostCgroups, OwnGroup } from './cgroup-paths.ts';

/** A group and the controllers that limit its members, one per hierarchy. */
export interface Placement {
  dir: string;
  controllers: Controller[];
}

export type Missing = Partial<Record<Controller, string>>;

export type Claim =
  | {
      ok: true;
      version: CgroupVersion;
      /** The instance group, one per hierarchy it is in. */
      placements: Placement[];
      /** Where instance groups of this and earlier backends live (searched for ones a crashed backend left). */
      containers: string[];
      /** Groups of ours in the cpu hierarchy between the host's and the workspaces': they weigh as many workspaces. */
      weighted: string[];
      /** Controllers wanted but not available, and why. */
      missing: Missing;
    }
  | { ok: false; problem: string; fix: string };

/** The leaf the backend's own processes move to under v2; never taken for the backend's group itself. */
export const BACKEND_LEAF = 'socket-lab-backend';
/** As root under v2: the group at the top of the hierarchy that holds every instance. */
export const ROOT_GROUP = 'socket-lab';

const DELEGATION_FIX =
  'run the backend as root, or as a systemd service with Delegate=yes (for a quick try: ' +
  'systemd-run --user -p Delegate=yes --scope npm start); or pass --no-limits';

/** Claims groups with the `wanted` controllers (cpuset only when CPUs are kept for the backend, cpu-list.ts). */
export async function claimGroups(
  found: HostCgroups,
  isRoot: boolean,
  instance: string,
  wanted: readonly Controller[],
): Promise<Claim> {
  const unified = found.unified ? await available(found.unified.mountPoint, wanted) : [];
  if (found.unified && unified.length > 0) return claimUnified(found.unified, isRoot, instance, wanted);
  if (found.v1.length > 0) return claimV1(found.v1, instance, wanted);
  return {
    ok: false,
    problem: 'no cgroup hierarchy with the memory, pids or cpu controller is mounted',
    fix: 'mount cgroup2 at /sys/fs/cgroup (systemd does) or pass --no-limits',
  };
}

async function claimUnified(
  unified: OwnGroup,
  isRoot: boolean,
  instance: string,
  wanted: readonly Controller[],
): Promise<Claim> {
  const container =
    (isRoot ? await rootContainer(unified.mountPoint, wanted) : null) ??
    (await delegatedContainer(unified.dir, wanted));
  if ('problem' in container) return { ok: false, problem: container.problem, fix: DELEGATION_FIX };
  const dir = path.join(container.dir, instance);
  await mkdir(dir);
  await enable(dir, container.controllers);
  return {
    ok: true,
    version: 2,
    placements: [{ dir, controllers: container.controllers }],
    containers: [container.dir],
    // The socket-lab group at the top is ours too (several lab instances at once share it: the last one's count).
    weighted: !container.controllers.includes('cpu') ? [] : container.ours ? [container.dir, dir] : [dir],
    missing: Object.fromEntries(
      wanted.filter((c) => !container.controllers.includes(c)).map((c) => [c, 'not delegated']),
    ),
  };
}

/** Where the instance group goes, and whether the lab made it (the backend's own group is the host's). */
interface Container {
  dir: string;
  controllers: Controller[];
  ours: boolean;
}

/** `<top>/socket-lab`, when the top of the hierarchy lets us hand it controllers; null if not. */
async function rootContainer(top: string, wanted: readonly Controller[]): Promise<Container | null> {
  const controllers = await available(top, wanted);
  const dir = path.join(top, ROOT_GROUP);
  try {
    await enable(top, controllers);
    await mkdir(dir, { recursive: true });
    await enable(dir, controllers);
    return { dir, controllers, ours: true };
  } catch {
    return null;
  }
}

/** The backend's own group, after moving its processes into a leaf. */
async function delegatedContainer(
  own: string,
  wanted: readonly Controller[],
): Promise<Container | { problem: string }> {
  // A second lab in the same process finds the backend already in the leaf: the delegated group is its parent.
  const dir = path.basename(own) === BACKEND_LEAF ? path.dirname(own) : own;
  const controllers = await available(dir, wanted);
  if (controllers.length === 0) {
    return { problem: `the backend's cgroup ${dir} has none of the memory, pids and cpu controllers delegated to it` };
  }
  for (const file of ['', 'cgroup.procs', 'cgroup.subtree_control']) {
    const writable = await access(path.join(dir, file), constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!writable) return { problem: `the backend's cgroup ${dir} is not writable by this user` };
  }
  const leaf = path.join(dir, BACKEND_LEAF);
  await mkdir(leaf, { recursive: true });
  const procs = (await readFile(path.join(dir, 'cgroup.procs'), 'utf8')).split('\n').filter((l) => /^\d+$/.test(l));
  for (const pid of procs) {
    await writeFile(path.join(leaf, 'cgroup.procs'), pid).catch((error: NodeJS.ErrnoException) => {
      // It exited meanwhile.
      if (error.code !== 'ESRCH') throw error;
    });
  }
  try {
    await enable(dir, controllers);
  } catch (error) {
    return { problem: `cannot enable ${controllers.join(', ')} for groups under ${dir}: ${String(error)}` };
  }
  return { dir, controllers, ours: false };
}

async function claimV1(all: HostCgroups['v1'], instance: string, wanted: readonly Controller[]): Promise<Claim> {
  const hierarchies = all
    .map((h) => ({ ...h, controllers: h.controllers.filter((c) => wanted.includes(c)) }))
    .filter((h) => h.controllers.length > 0);
  const placements: Placement[] = [];
  const failed = new Map<Controller, string>();
  for (const hierarchy of hierarchies) {
    const dir = path.join(hierarchy.dir, instance);
    try {
      await mkdir(dir);
      await inheritCpuset(dir);
      placements.push({ dir, controllers: hierarchy.controllers });
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? String(error);
      for (const controller of hierarchy.controllers)
        failed.set(controller, `cannot make a group in ${hierarchy.dir} (${why})`);
    }
  }
  const missing: Missing = Object.fromEntries(
    wanted
      .filter((c) => !placements.some((p) => p.controllers.includes(c)))
      .map((c) => [c, failed.get(c) ?? 'not mounted']),
  );
  if (placements.length === 0) {
    const problem = Object.entries(missing).map(([controller, why]) => `${controller}: ${why}`);
    return { ok: false, problem: problem.join('; '), fix: DELEGATION_FIX };
  }
  const weighted = placements.filter((p) => p.controllers.includes('cpu')).map((p) => p.dir);
  // Every hierarchy is searched for what a crashed lab left, wanted now or not.
  return { ok: true, version: 1, placements, containers: all.map((h) => h.dir), weighted, missing };
}

/**
 * v1 only: a new group in the cpuset hierarchy (or one mounted with it) starts with no CPUs and no memory nodes, and
 * nothing can join it until they are copied from its parent.
 */
export async function inheritCpuset(dir: string): Promise<void> {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    const own = await readFile(path.join(dir, file), 'utf8').catch(() => null);
    if (own === null || own.trim() !== '') continue;
    await writeFile(path.join(dir, file), await readFile(path.join(path.dirname(dir), file), 'utf8'));
  }
}

/** The controllers we use that `dir`'s group offers its children (its cgroup.controllers). */
async function available(dir: string, wanted: readonly Controller[]): Promise<Controller[]> {
  const text = await readFile(path.join(dir, 'cgroup.controllers'), 'utf8').catch(() => '');
  const listed = text.trim().split(/\s+/);
  return wanted.filter((c) => listed.includes(c));
}

/** Lets `dir`'s children be limited by `controllers` (v2). */
async function enable(dir: string, controllers: readonly Controller[]): Promise<void> {
  if (controllers.length === 0) return;
  await writeFile(path.join(dir, 'cgroup.subtree_control'), controllers.map((c) => `+${c}`).join(' '));
}
