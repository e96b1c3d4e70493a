/**
 * Ending a terminal's processes from the host. A terminal's shell is started in a new session whose leader is the
 * pty's first process (on the host); everything the learner starts from that shell stays in the session unless it
 * calls setsid(), and the host's /proc shows session ids as host pids, whichever PID namespace a process lives in.
 *
 * Where the session's processes are looked for is the caller's scope: the pids of the workspace's cgroup (every
 * process of a workspace is born in it and cannot leave), a few files to read; or, with no cgroup (--no-limits),
 * every process of the machine, one shared scan of /proc. With 200 workspaces closing, the scans cost seconds.
 *
 * A scope's few files are read synchronously. They are the kernel's pseudo-files (a procs list, each pid's stat:
 * counters, never a disk), some microseconds each, whereas each asynchronous read is four or five trips through
 * libuv's four threads: with 200 workspaces closing at once those queued for over a second.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isGone, readWholeKernelFile } from './kernel-file.ts';

/** Looks while waiting for processes to end: soon at first (most are gone at once), then less often. */
const FIRST_POLL_MS = 20;
const LAST_POLL_MS = 160;

/** The pids a session's processes are among (a workspace's cgroup), read at once; null: any process of the machine. */
export type ProcessScope = (() => number[]) | null;

/** Files of /proc read at once: a scan must not run the backend out of descriptors (a class has thousands of pids). */
const SCAN_BATCH = 128;

/** Every process's session id, by pid, from one pass over /proc. */
async function scanSessions(): Promise<Map<number, number>> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  return sessionsOf(pids.map(Number));
}

/** A process's session id, from the fields after the command name (in parentheses, and may itself hold either). */
function sessionField(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/** A process's session id; undefined once it has ended (between listing and reading, or before). */
async function readSession(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch((error: NodeJS.ErrnoException) => {
    if (isGone(error)) return null;
    throw error;
  });
  return stat ? sessionField(stat) : undefined;
}

/** readSession, read at once (see the top of this file). */
function readSessionNow(pid: number): number | undefined {
  const stat = readWholeKernelFile(`/proc/${pid}/stat`);
  return stat === null ? undefined : sessionField(stat);
}

/**
 * The session id of each process of the machine, or of `scope`. The machine's scan is one at a time, shared by every
 * terminal and tunnel closing meanwhile (a shutdown closes hundreds at once): each waits for the scan under way
 * rather than starting its own. Callers poll, so a process forked after the scan began is seen by the next one.
 */
let scanning: Promise<Map<number, number>> | null = null;

/** A scope's last look, shared while this fresh by hangups asked for together (a lab's terminals restarted at once). */
const SHARED_LOOK_MS = 5;
const lastLook = new WeakMap<NonNullable<ProcessScope>, { at: number; sessions: Map<number, number> }>();

async function sessionsIn(scope: ProcessScope): Promise<Map<number, number>> {
  if (scope) {
    const last = lastLook.get(scope);
    if (last && performance.now() - last.at < SHARED_LOOK_MS) return last.sessions;
    const sessions = sessionsOfNow(scope());
    lastLook.set(scope, { at: performance.now(), sessions });
    return sessions;
  }
  scanning ??= scanSessions().finally(() => (scanning = null));
  return scanning;
}

/**
 * sessionsIn, looked at after this call: never a scope's look shared from before, nor the machine's scan under way
 * (it may have read a process before that ended). Waiters for the same scan share the next one.
 */
async function freshSessionsIn(scope: ProcessScope): Promise<Map<number, number>> {
  if (scope) return sessionsOfNow(scope());
  await scanning?.catch(() => undefined);
  return sessionsIn(null);
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

function sessionsOfNow(pids: readonly number[]): Map<number, number> {
  const sessions = new Map<number, number>();
  for (const pid of pids) {
    const session = readSessionNow(pid);
    if (session !== undefined) sessions.set(pid, session);
  }
  return sessions;
}

/** The pids of the processes in the sessions `leaders` lead, looked for in `scope` (`fresh`: a look begun now). */
async function processesOf(leaders: ReadonlySet<number>, scope: ProcessScope, fresh = false): Promise<number[]> {
  const sessions = await (fresh ? freshSessionsIn(scope) : sessionsIn(scope));
  const pids = [...sessions].filter(([, session]) => leaders.has(session)).map(([pid]) => pid);
  // A leader joins the cgroup as its first step, and may not have yet when its terminal is closed at once.
  for (const leader of leaders) if (!sessions.has(leader) && readSessionNow(leader) === leader) pids.push(leader);
  return pids;
}

/** The pids of the processes in session `sessionId`, looked for in `scope`. */
export function sessionProcesses(sessionId: number, scope: ProcessScope): Promise<number[]> {
  return processesOf(new Set([sessionId]), scope);
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
 * Waits until `done(remaining)` holds; false if it still does not after `ms`. With `kill`, what is left is sent it
 * again on every look, so that processes forked since the last look (a fork bomb) go too. `first` is the first look.
 */
async function settle(
  look: () => Promise<number[]>,
  ms: number,
  done: (pids: number[]) => boolean,
  kill?: (pids: number[]) => void,
  first = look,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let wait = FIRST_POLL_MS, next = first; ; wait = Math.min(2 * wait, LAST_POLL_MS), next = look) {
    const pids = await next();
    if (done(pids)) return true;
    if (Date.now() >= deadline) return false;
    kill?.(pids);
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
  }
}

/**
 * Hangs up the programs of the sessions `leaders` lead (SIGHUP, as when a terminal window closes), gives them
 * `graceMs` to exit, kills what is left (SIGKILL) and waits until all of it has been reaped. Each leader maps to what
 * settles once it has exited (its pty says so).
 *
 * The leaders (nsenter, on the host) are spared until last: each is the parent of a shell inside the sandbox, and a
 * process whose parent dies is handed to the parent's PID namespace's init, the host's, to reap. Left alive, a
 * leader reaps its shell itself and then exits.
 *
 * Until the leaders have exited the shells are still there, and a look would find them: the hangup waits on the
 * leaders rather than looking again and again. Usually nothing else is left, and one look confirms it. Sessions ended
 * together share every look, one per poll, however many terminals they are: with 200 workspaces closing, looking
 * per terminal had been over half of the backend's work, and it starved the ending shells of the CPU they needed to
 * exit (each exit is a page table to tear down).
 */
async function endSessions(
  leaders: ReadonlyMap<number, Promise<unknown>>,
  graceMs: number,
  scope: ProcessScope = null,
): Promise<void> {
  const ids = new Set(leaders.keys());
  const members = (pids: number[]) => pids.filter((pid) => !ids.has(pid));
  const onlyLeadersLeft = (pids: number[]) => members(pids).length === 0;
  const empty = (pids: number[]) => pids.length === 0;
  // Any recent look will do, but for the one that decides the hangup was enough: a process forked after a look
  // began is hung up by its parent, killed by a later look, or seen by that one, which begins after the hangup.
  const look = () => processesOf(ids, scope);
  const afterHangup = () => processesOf(ids, scope, true);
  const which = () => `terminal session${ids.size > 1 ? 's' : ''} ${[...ids].join(', ')}`;

  const graceEnds = Date.now() + graceMs;
  signalProcesses(members(await look()), 'SIGHUP');
  await settlesWithin(Promise.all(leaders.values()), graceMs);
  if (await settle(look, Math.max(0, graceEnds - Date.now()), empty, undefined, afterHangup)) return;
  const killMembers = (pids: number[]) => signalProcesses(members(pids), 'SIGKILL');
  killMembers(await look());
  if (!(await settle(look, 5000, onlyLeadersLeft, killMembers))) {
    throw new Error(`processes of ${which()} survived SIGKILL`);
  }
  if (await settle(look, graceMs, empty)) return;
  signalProcesses(await look(), 'SIGKILL');
  if (!(await settle(look, 5000, empty))) throw new Error(`${which()} did not end`);
}

/** endSessions for one session (a terminal restarted, or its shell ended by itself). */
export function endSession(
  sessionId: number,
  graceMs: number,
  scope: ProcessScope = null,
  leaderGone: Promise<unknown> = Promise.resolve(),
): Promise<void> {
  return endSessions(new Map([[sessionId, leaderGone]]), graceMs, scope);
}

/**
 * endSessions for terminals that end together (their workspace is closing): the sessions asked for in one turn of the
 * event loop are ended as one, and each caller hears how all of them ended.
 */
export function endSessionsTogether(
  graceMs: number,
  scope: ProcessScope,
): (sessionId: number, leaderGone: Promise<unknown>) => Promise<void> {
  let batch: { leaders: Map<number, Promise<unknown>>; ended: Promise<void> } | null = null;
  return (sessionId, leaderGone) => {
    if (!batch) {
      const leaders = new Map<number, Promise<unknown>>();
      const ended = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        batch = null;
        return endSessions(leaders, graceMs, scope);
      });
      batch = { leaders, ended };
    }
    batch.leaders.set(sessionId, leaderGone);
    return batch.ended;
  };
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
