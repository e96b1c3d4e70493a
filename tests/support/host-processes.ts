/**
 * Looking at a lab's workspaces from the host, as root sees them: their processes (each workspace runs as its own
 * uid when the backend is root) and their cgroups, and waiting for a closed workspace's processes to be gone.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { CONTROLLERS, locateCgroups, type Controller } from '../../server/src/sandbox/cgroup-paths.ts';
import { parseMountinfo } from '../../server/src/sandbox/mountinfo.ts';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import type { TerminalProbe } from './lab-harness.ts';
import { eventually } from './waiters.ts';

/** Host processes running as `uid` (the sandbox's user when the backend is root). */
export async function processesOf(uid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    if (new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) found.push(Number(entry));
  }
  return found;
}

/**
 * Every sandboxed process on the machine (uid 100000 and up: the labs' default bases are far above), with its state,
 * what it waits in and its terminal's foreground group: for a failure message, when a terminal did not come back.
 */
export async function sandboxedProcesses(): Promise<string> {
  const { stdout } = await promisify(execFile)('ps', [
    '-eo',
    'pid,ppid,pgid,tpgid,stat,wchan:22,uid,args',
    '--sort=pid',
  ]);
  const lines = stdout.split('\n');
  return [lines[0], ...lines.slice(1).filter((line) => Number(line.trim().split(/\s+/)[6]) >= 100_000)].join('\n');
}

/**
 * The directories of the cgroups process `pid` is in, by controller: the v1 hierarchies' where there are any (as
 * the lab does), otherwise the unified one's.
 */
export async function cgroupDirsOf(pid: number | 'self'): Promise<Map<Controller, string>> {
  const mounts = parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
  const found = locateCgroups(await readFile(`/proc/${pid}/cgroup`, 'utf8'), mounts);
  if (found.v1.length > 0) return new Map(found.v1.flatMap((h) => h.controllers.map((c) => [c, h.dir] as const)));
  return new Map(found.unified ? CONTROLLERS.map((c) => [c, found.unified?.dir as string] as const) : []);
}

/** Whether a process `pid` exists (a zombie not yet reaped counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The uid the workspace of `probe`'s terminal runs as. */
export async function uidOf(probe: TerminalProbe): Promise<number> {
  return Number(/^(\d+)\s*$/m.exec((await probe.exec('id -u')).output)?.[1]);
}

/** Closes a workspace's connection and waits until the lab has reaped its processes (started with --idle-timeout 1). */
export async function closeAndReap(socket: LabSocket, uid: number): Promise<void> {
  socket.close();
  await eventually(async () => (await processesOf(uid)).length === 0, `workspace ${uid} to be reaped`, 20_000);
}
