/**
 * Ending a terminal's processes from the host. A terminal's shell is started in a new session whose leader is the
 * pty's first process (on the host); everything the learner starts from that shell stays in the session unless it
 * calls setsid(), and the host's /proc shows session ids as host pids, whichever PID namespace a process lives in.
 *
 * Where the session's processes are looked for is the caller's scope: the pids of the workspace's cgroup (every
 * process of a workspace is born in it and cannot leave), a few files to read; or, with no cgroup (--no-limits),
 * every process of the machine, one shared scan of /proc. With 200 workspaces closing, the scans cost seconds.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Looks while waiting for processes to end: soon at first (most are gone at once), then less often. */
const FIRST_POLL_MS = 20;
const LAST_POLL_MS = 160;

/** The pids a session's processes are among (a workspace's cgroup); null: any process of the machine. */
export type ProcessScope = (() => Promise<number[]>) | null;

/** Files of /proc read at once: a scan must not run the backend out of descriptors (a class has thousands of pids). */
const SCAN_BATCH = 128;

/** Every process's session id, by pid, from one pass over /proc. */
async function scanSessions(): Promise<Map<number, number>> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  return sessionsOf(pids.map(Number));
}

/** A process's session id; undefined once it has ended (between listing and reading, or before). */
async function readSession(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ESRCH') return null;
    throw error;
  });
  if (!stat) return undefined;
  // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/**
 * One look at a time per scope, shared by every terminal and tunnel closing meanwhile (a shutdown closes hundreds at
 * once, four terminals to a workspace): each waits for the look under way rather than starting its own. Callers
 * poll, so a process forked after the look began is seen by the next one.
 */
let scanning: Promise<Map<number, number>> | null = null;
const looking = new Map<NonNullable<ProcessScope>, Promise<Map<number, number>>>();

function sessionsIn(scope: ProcessScope): Promise<Map<number, number>> {
  if (!scope) {
    scanning ??= scanSessions().finally(() => (scanning = null));
    return scanning;
  }
  let look = looking.get(scope);
  if (!look) {
    look = scope()
      .then(sessionsOf)
      .finally(() => looking.delete(scope));
    looking.set(scope, look);
  }
  return look;
}

/** The session id of each of `pids` still there. */
async function sessionsOf(pids: readonly number[]): Promise<Map<number, number>> {
  const sessions = new Map<number, number>();
  for (let at = 0; at < pids.length; at += SCAN_BATCH) {
    const batch = pids.slice(at, at + SCAN_BATCH);
    const stats = await Promise.all(batch.map(readSession));
    batch.forEach((pid, i) => {
      const session = stats[i];
      if (session !== undefined) sessions.set(pid, session);
    });
  }
  return sessions;
}

/** The pids of the processes in session `sessionId`, looked for in `scope`. */
export async function sessionProcesses(sessionId: number, scope: ProcessScope): Promise<number[]> {
  const sessions = await sessionsIn(scope);
  const pids = [...sessions].filter(([, session]) => session === sessionId).map(([pid]) => pid);
  // The leader joins the cgroup as its first step, and may not have yet when its terminal is closed at once.
  if (!sessions.has(sessionId) && (await readSession(sessionId)) === sessionId) pids.push(sessionId);
  return pids;
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
  scope: ProcessScope,
  ms: number,
  done: (pids: number[]) => boolean,
  kill?: (pids: number[]) => void,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let wait = FIRST_POLL_MS; ; wait = Math.min(2 * wait, LAST_POLL_MS)) {
    const pids = await sessionProcesses(sessionId, scope);
    if (done(pids)) return true;
    if (Date.now() >= deadline) return false;
    kill?.(pids);
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
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
export async function endSession(sessionId: number, graceMs: number, scope: ProcessScope = null): Promise<void> {
  const members = (pids: number[]) => pids.filter((pid) => pid !== sessionId);
  const onlyLeaderLeft = (pids: number[]) => members(pids).length === 0;
  const empty = (pids: number[]) => pids.length === 0;
  const look = () => sessionProcesses(sessionId, scope);

  signalProcesses(members(await look()), 'SIGHUP');
  if (await settle(sessionId, scope, graceMs, empty)) return;
  const killMembers = (pids: number[]) => signalProcesses(members(pids), 'SIGKILL');
  killMembers(await look());
  if (!(await settle(sessionId, scope, 5000, onlyLeaderLeft, killMembers))) {
    throw new Error(`processes of terminal session ${sessionId} survived SIGKILL`);
  }
  if (await settle(sessionId, scope, graceMs, empty)) return;
  signalProcesses(await look(), 'SIGKILL');
  if (!(await settle(sessionId, scope, 5000, empty))) throw new Error(`terminal session ${sessionId} did not end`);
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
