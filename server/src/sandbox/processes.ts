/**
 * Ending a terminal's processes from the host. A terminal's shell is started in a new session whose leader is the
 * pty's first process (on the host); everything the learner starts from that shell stays in the session unless it
 * calls setsid(), and the host's /proc shows session ids as host pids, whichever PID namespace a process lives in.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 20;

/** Files of /proc read at once: a scan must not run the backend out of descriptors (a class has thousands of pids). */
const SCAN_BATCH = 128;

/** Every process's session id, by pid, from one pass over /proc. */
async function scanSessions(): Promise<Map<number, number>> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const sessions = new Map<number, number>();
  for (let at = 0; at < pids.length; at += SCAN_BATCH) {
    const batch = pids.slice(at, at + SCAN_BATCH);
    const stats = await Promise.all(
      batch.map((pid) =>
        readFile(`/proc/${pid}/stat`, 'latin1').catch((error: NodeJS.ErrnoException) => {
          // The process ended between readdir and readFile.
          if (error.code === 'ENOENT' || error.code === 'ESRCH') return null;
          throw error;
        }),
      ),
    );
    batch.forEach((pid, i) => {
      const stat = stats[i];
      if (!stat) return;
      // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sessions.set(Number(pid), Number(fields[3]));
    });
  }
  return sessions;
}

/**
 * One scan at a time, shared by every terminal and tunnel closing meanwhile (a shutdown closes hundreds at once):
 * each waits for the scan under way rather than starting its own. Callers poll, so a process forked after the scan
 * began is seen by the next one.
 */
let scanning: Promise<Map<number, number>> | null = null;

async function processesInSession(sessionId: number): Promise<number[]> {
  scanning ??= scanSessions().finally(() => (scanning = null));
  const sessions = await scanning;
  return [...sessions].filter(([, session]) => session === sessionId).map(([pid]) => pid);
}

/**
 * Sends `signal` to the foreground process group of the terminal whose session `sessionId` leads: what the
 * terminal itself does when Ctrl-C is typed, for when the key cannot get through (input the program does not read
 * fills the terminal). The tpgid field of /proc/<pid>/stat names that group, in host pids.
 */
export async function signalForeground(sessionId: number, signal: NodeJS.Signals): Promise<void> {
  const stat = await readFile(`/proc/${sessionId}/stat`, 'latin1');
  const foreground = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[5]);
  if (foreground > 0) signalProcesses([-foreground], signal);
}

/** Sends `name` to each pid (a negative one: its process group); one already gone is no error. */
export function signalProcesses(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/**
 * Waits until `done(remaining)` holds for the session; false if it still does not after `ms`. With `kill`, what is
 * left is sent it again on every look, so that processes forked since the last look (a fork bomb) go too.
 */
async function settle(
  sessionId: number,
  ms: number,
  done: (pids: number[]) => boolean,
  kill?: (pids: number[]) => void,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const pids = await processesInSession(sessionId);
    if (done(pids)) return true;
    if (Date.now() >= deadline) return false;
    kill?.(pids);
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

  signalProcesses(members(await processesInSession(sessionId)), 'SIGHUP');
  if (await settle(sessionId, graceMs, empty)) return;
  const killMembers = (pids: number[]) => signalProcesses(members(pids), 'SIGKILL');
  killMembers(await processesInSession(sessionId));
  if (!(await settle(sessionId, 5000, onlyLeaderLeft, killMembers))) {
    throw new Error(`processes of terminal session ${sessionId} survived SIGKILL`);
  }
  if (await settle(sessionId, graceMs, empty)) return;
  signalProcesses(await processesInSession(sessionId), 'SIGKILL');
  if (!(await settle(sessionId, 5000, empty))) throw new Error(`terminal session ${sessionId} did not end`);
}

/** Whether `promise` settles within `ms`, without keeping the process alive afterwards. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
