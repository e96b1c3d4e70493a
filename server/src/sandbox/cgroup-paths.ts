/**
 * Where this process's own cgroups are, as directories: /proc/self/cgroup names the groups, /proc/self/mountinfo
 * says where each hierarchy is mounted. Pure, so that tests can lay out a temporary directory like either kind of
 * sysfs and point a made-up mount table at it.
 */
import path from 'node:path';
import type { Mount } from './mountinfo.ts';

/**
 * The controllers a workspace's limits need: memory (with its files), processes, CPU time, and which CPUs (cpuset:
 * not a limit of its own, it keeps learners' programs off the backend's CPUs; see cpu-list.ts).
 */
export type Controller = 'memory' | 'pids' | 'cpu' | 'cpuset';
export const CONTROLLERS: readonly Controller[] = ['memory', 'pids', 'cpu', 'cpuset'];

/** One mounted hierarchy and this process's group in it. */
export interface OwnGroup {
  /** Where the hierarchy is mounted, as this process sees it. */
  mountPoint: string;
  /** This process's group, as a directory under the mount point. */
  dir: string;
}

export interface HostCgroups {
  /** The unified (v2) hierarchy, if mounted; its controllers are listed in the group's cgroup.controllers. */
  unified: OwnGroup | null;
  /** v1 hierarchies holding a controller we use; co-mounted controllers (cpu,cpuacct) share one entry. */
  v1: (OwnGroup & { controllers: Controller[] })[];
}

/**
 * The group's path as seen in /proc/self/cgroup, made into a directory of `mount`. A mount of a subtree (a
 * container's view) shows paths relative to that subtree; a group outside the mounted subtree is unreachable.
 */
function dirIn(mount: Mount, groupPath: string): string | null {
  const inside = (relative: string) => path.resolve(mount.mountPoint, `.${relative}`);
  if (mount.root === '/') return inside(groupPath);
  if (groupPath === mount.root || groupPath.startsWith(`${mount.root}/`)) {
    return inside(groupPath.slice(mount.root.length));
  }
  return null;
}

/**
 * /proc/self/cgroup lines are `hierarchy-id:controllers:path`; the unified hierarchy is `0::path`, a v1 one lists
 * its controllers (`4:memory:/x`, `2:cpu,cpuacct:/`) or a name (`9:name=systemd:/`).
 */
export function locateCgroups(procSelfCgroup: string, mounts: readonly Mount[]): HostCgroups {
  const found: HostCgroups = { unified: null, v1: [] };
  for (const line of procSelfCgroup.split('\n')) {
    const match = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, list, groupPath] = match as unknown as [string, string, string, string];
    if (id === '0' && list === '') {
      const mount = mounts.find((m) => m.fsType === 'cgroup2');
      const dir = mount ? dirIn(mount, groupPath) : null;
      if (mount && dir) found.unified = { mountPoint: mount.mountPoint, dir };
      continue;
    }
    const controllers = CONTROLLERS.filter((c) => list.split(',').includes(c));
    if (controllers.length === 0) continue;
    const mount = mounts.find((m) => m.fsType === 'cgroup' && controllers.every((c) => m.superOptions.includes(c)));
    const dir = mount ? dirIn(mount, groupPath) : null;
    if (mount && dir) found.v1.push({ mountPoint: mount.mountPoint, dir, controllers });
  }
  return found;
}
