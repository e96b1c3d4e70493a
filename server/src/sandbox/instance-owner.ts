/**
 * Names what a backend leaves on the host outside its data directory (cgroups, tmpfs mounts) so that a later
 * backend can tell whether their owner is still alive: a pid and that process's start time, since a pid alone is
 * reused. A backend that crashed cannot clean up after itself; the next one does (see lab-limits.ts).
 */
import { readFile } from 'node:fs/promises';

const TAG = /^(\d+)-(\d+)$/;

/** Clock ticks since boot at which `pid` started: field 22 of /proc/<pid>/stat. */
async function startTime(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  if (!start) throw new Error(`unexpected /proc/${pid}/stat`);
  return start;
}

/** This process's tag: `<pid>-<start time>`. */
export async function ownerTag(): Promise<string> {
  return `${process.pid}-${await startTime(process.pid)}`;
}

/** Whether the process a tag names still runs. Something not tagged as expected is left alone (true). */
export async function ownerAlive(tag: string): Promise<boolean> {
  const match = TAG.exec(tag);
  if (!match) return true;
  const start = await startTime(Number(match[1])).catch(() => null);
  return start === match[2];
}
