/**
 * Ending a terminal's processes from the host. A terminal's shell is started in a new session whose leader is the
 * pty's first process (on the host); everything the learner starts from that shell stays in the session unless it
 * calls setsid(), and the host's /proc shows session ids as host pids, whichever PID namespace a process lives in.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 20;

export async function processesInSession(sessionId: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  // Read in parallel: a terminal or tunnel that is closing waits on this scan, several at once.
  const stats = await Promise.all(
    pids.map((pid) =>
      readFile(`/proc/${pid}/stat`, 'latin1').catch((error: NodeJS.ErrnoException) => {
        // The process ended between readdir and readFile.
        if (error.code === 'ENOENT' || error.code === 'ESRCH') return null;
        throw error;
      }),
    ),
  );
  return pids
    .filter((_, i) => {
      const stat = stats[i];
      if (!stat) return false;
      // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[3]) === sessionId;
    })
    .map(Number);
}

function signal(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** Waits until `done(remaining)` holds for the session; false if it still does not after `ms`. */
async function settle(sessionId: number, ms: number, done: (pids: number[]) => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (done(await processesInSession(sessionId))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/**
 * Hangs up the session's programs (SIGHUP, as when a terminal window closes), gives them `graceMs` to exit, kills
 * what is left (SIGKILL) and waits until all of it has been reaped.
 *
 * The leader (nsenter, on the host) is spared until last: it is the parent of the shell inside the sandbox, and a
 * process whose parent dies is handed to the parent's PID namespace's init, the host's, to reap. Left alive, the
 * leader reaps the shell itself and then exits.
 */
export async function endSession(sessionId: number, graceMs: number): Promise<void> {
  const members = (pids: number[]) => pids.filter((pid) => pid !== sessionId);
  const onlyLeaderLeft = (pids: number[]) => members(pids).length === 0;
  const empty = (pids: number[]) => pids.length === 0;

  signal(members(await processesInSession(sessionId)), 'SIGHUP');
  if (await settle(sessionId, graceMs, empty)) return;
  signal(members(await processesInSession(sessionId)), 'SIGKILL');
  if (!(await settle(sessionId, 5000, onlyLeaderLeft))) {
    throw new Error(`processes of terminal session ${sessionId} survived SIGKILL`);
  }
  if (await settle(sessionId, graceMs, empty)) return;
  signal(await processesInSession(sessionId), 'SIGKILL');
  if (!(await settle(sessionId, 5000, empty))) throw new Error(`terminal session ${sessionId} did not end`);
}
