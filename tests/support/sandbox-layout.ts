/** Sandbox layouts and command-line helpers shared by the tests of the sandbox's mounts and argv. */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { HostRoot, Limits, Mount, SandboxLayout } from '../../server/src/sandbox/argv.ts';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const DATA = '/var/tmp/socket-lab-test/ws-1';

/** A merged-/usr host (Debian 12): /bin and friends are links into /usr. */
export const MERGED_USR: HostRoot = {
  etc: ['/etc/alternatives', '/etc/ld.so.cache', '/etc/services', '/etc/python3', '/etc/python3.12'],
  rootDirs: [
    { path: '/bin', symlink: true },
    { path: '/sbin', symlink: true },
    { path: '/lib', symlink: true },
    { path: '/lib64', symlink: true },
  ],
  devices: ['/dev/null', '/dev/zero', '/dev/urandom'],
  ptys: true,
};

/** An older host with real top-level directories, and host data that names what must never get in. */
export const SPLIT_USR: HostRoot = {
  etc: ['/etc/services', '/etc/shadow', '/etc', '/etc/ssh', '/etc/python3.9', '/etc/python3.9/../shadow'],
  rootDirs: [
    { path: '/bin', symlink: false },
    { path: '/lib', symlink: false },
  ],
  devices: ['/dev/null'],
  ptys: false,
};

// The layout the backend really builds: sandbox files and the Node binary may live inside the project directory.
export function layout(hostRoot: HostRoot): SandboxLayout {
  return {
    home: `${DATA}/home`,
    tmp: `${DATA}/tmp`,
    shm: `${DATA}/shm`,
    passwd: `${DATA}/passwd`,
    group: `${DATA}/group`,
    tools: {
      filesDir: path.join(PROJECT_ROOT, 'server', 'sandbox'),
      nodeBinary: process.execPath,
      nodePackages: { ws: path.join(PROJECT_ROOT, 'node_modules', 'ws') },
    },
    hostRoot,
  };
}
export const LAYOUT = layout(MERGED_USR);
export const IDENTITY = { uid: 200_001, gid: 200_001 };
export const JOIN = {
  helper: path.join(PROJECT_ROOT, 'server', 'sandbox', 'join-cgroup'),
  procsFiles: ['/sys/fs/cgroup/memory/lab/ws-1/cgroup.procs', '/sys/fs/cgroup/pids/lab/ws-1/cgroup.procs'],
};
export const LIMITS: Limits = { cgroup: JOIN, processes: 512, openFiles: 1024, fileSize: 512 * 1024 * 1024 };

export type Bind = Extract<Mount, { kind: 'ro-bind' | 'bind' | 'dev-bind' }>;
export const isBind = (m: Mount): m is Bind => m.kind === 'ro-bind' || m.kind === 'bind' || m.kind === 'dev-bind';
export const isWithin = (inner: string, outer: string): boolean =>
  inner === outer || inner.startsWith(outer.endsWith('/') ? outer : `${outer}/`);
export const has = (mounts: readonly Mount[], wanted: Mount) =>
  mounts.some((m) => JSON.stringify(m) === JSON.stringify(wanted));
export const indexOf = (mounts: readonly Mount[], wanted: Mount) =>
  mounts.findIndex((m) => JSON.stringify(m) === JSON.stringify(wanted));

/** The bwrap options of a holder command line: everything between /usr/bin/bwrap and its `--`. */
export function bwrapOptions(argv: string[]): string[] {
  const start = argv.indexOf('/usr/bin/bwrap');
  assert.notEqual(start, -1, 'no bwrap in the command line');
  const end = argv.indexOf('--', start);
  assert.notEqual(end, -1, 'bwrap options not terminated by --');
  return argv.slice(start + 1, end);
}
