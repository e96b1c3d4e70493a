/**
 * The command lines that build and enter a workspace sandbox. Pure functions, so what the sandbox exposes can be read
 * (and tested) in one place.
 *
 * A workspace is one long-lived bubblewrap "holder" with its own user, network, PID, IPC and UTS namespaces and a
 * minimal read-only root. Every terminal joins the holder's namespaces with nsenter, so all terminals of a workspace
 * share one loopback (the study note's 127.0.0.1:2333), one process table and one home, while nothing of the host's
 * network, processes or files is reachable. bwrap cannot join an existing namespace, hence nsenter for terminals.
 */
import { existsSync, lstatSync } from 'node:fs';
import { WORKSPACE_DEFAULTS } from '#protocol/limits.ts';

export const SANDBOX_HOME = '/home/learner';
const SANDBOX_HOSTNAME = 'socket-lab';

/** A host uid/gid the workspace runs as; null when the backend is not root and so cannot choose. */
export type Identity = { uid: number; gid: number } | null;

/** What every sandbox gets from the backend's own installation, read-only. */
export interface SandboxTools {
  /** Static files shipped with the backend: bashrc, hosts, nsswitch.conf. */
  filesDir: string;
  /** The Node binary learners run `node file.ts` with (the backend's own). */
  nodeBinary: string;
  /** npm packages lessons import (`ws`), by name: the package folders. */
  nodePackages: Readonly<Record<string, string>>;
}

export interface SandboxLayout {
  /** Host directories bound read-write into the sandbox. */
  home: string;
  tmp: string;
  /** Bound to /dev/shm: on the workspace's disk, so shared memory counts against its disk limit like /tmp. */
  shm: string;
  /** Host files generated for this workspace (passwd, group). */
  passwd: string;
  group: string;
  tools: SandboxTools;
}

/** Where lesson programs find npm packages: ESM resolution walks up from /home/learner to /node_modules. */
const SANDBOX_NODE_MODULES = '/usr/local/lib/node_modules';

/** How to start a program: an argv, an environment and a directory; never a shell line. */
export interface ProcessSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** How a process joins its workspace's cgroup: a fixed helper script and the files it writes its pid to. */
export interface CgroupJoin {
  /** server/sandbox/join-cgroup, run by /bin/sh. */
  helper: string;
  /** cgroup.procs of the workspace's group in each hierarchy. */
  procsFiles: readonly string[];
}

/** What every process of a workspace runs under, from its first instruction. */
export interface Limits {
  /** The workspace's cgroup (memory, processes, CPU); null when there is none. */
  cgroup: CgroupJoin | null;
  /**
   * RLIMIT_NPROC: processes the workspace's uid may have. Only a fallback for when there is no pids controller, and
   * only meaningful when every workspace has its own uid.
   */
  processes: number | null;
  /** RLIMIT_NOFILE of every process; null: inherited. */
  openFiles: number | null;
  /** Largest file a learner program may write, in bytes. */
  fileSize: number;
}

/** Keeps one runaway program from filling a disk that has no limit of its own (--no-limits, not root). */
export const MAX_FILE_SIZE = WORKSPACE_DEFAULTS.fileSizeBytes;

/** Host /etc files a learner's programs need; nothing else of /etc (no shadow, no ssh keys, no resolver). */
const ETC_ALLOWLIST = [
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/localtime',
  '/etc/services',
  '/etc/protocols',
  '/etc/terminfo',
  '/etc/inputrc',
  '/etc/mono',
  '/etc/python3',
  '/etc/python3.11',
  '/etc/ssl/openssl.cnf',
];

const DEVICES = ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty'];

/**
 * What every workspace process (the holder, each terminal, each tunnel) starts behind: join the workspace's cgroup,
 * set resource limits, drop to the workspace's user; then the command.
 *
 * A child is in its parent's cgroup from fork() on, and Node cannot choose a child's cgroup at spawn, so the
 * process moves itself: join-cgroup writes its own pid into the workspace's cgroup.procs files and then execs the
 * rest, all before anything else runs and while still the backend's user (root), who may write them. Everything it
 * becomes and starts is then born inside the group: there is no moment to race with.
 */
export function privilegePrefix(identity: Identity, limits: Limits): string[] {
  const join = limits.cgroup ? ['/bin/sh', limits.cgroup.helper, ...limits.cgroup.procsFiles, '--'] : [];
  const prlimit = ['/usr/bin/prlimit', `--fsize=${limits.fileSize}`, '--core=0'];
  if (limits.openFiles !== null) prlimit.push(`--nofile=${limits.openFiles}`);
  if (identity && limits.processes !== null) prlimit.push(`--nproc=${limits.processes}`);
  const setpriv = ['/usr/bin/setpriv'];
  if (identity) setpriv.push(`--reuid=${identity.uid}`, `--regid=${identity.gid}`, '--clear-groups');
  setpriv.push('--no-new-privs');
  return [...join, ...prlimit, '--', ...setpriv, '--'];
}

/**
 * Top-level directories of a merged-/usr system are symlinks into /usr; on others they are real and bound as such.
 */
function rootLinks(): string[] {
  const args: string[] = [];
  for (const dir of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const host = `/${dir}`;
    if (!existsSync(host)) continue;
    if (lstatSync(host).isSymbolicLink()) args.push('--symlink', `usr/${dir}`, host);
    else args.push('--ro-bind', host, host);
  }
  return args;
}

/**
 * The holder: bwrap's init is pid 1 of the workspace, reaping orphans and holding the namespaces open until it is
 * killed. Its command is `cat`, which echoes a line the backend writes once the sandbox is fully built (bwrap
 * reports the child's pid before its mounts are in place), and ends if the backend goes away.
 */
export function holderArgv(layout: SandboxLayout, identity: Identity, limits: Limits, infoFd: number): string[] {
  const etc = ETC_ALLOWLIST.filter((p) => existsSync(p)).flatMap((p) => ['--ro-bind', p, p]);
  const devices = DEVICES.filter((p) => existsSync(p)).flatMap((p) => ['--dev-bind', p, p]);
  return [
    ...privilegePrefix(identity, limits),
    '/usr/bin/bwrap',
    '--unshare-user',
    '--unshare-net',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--hostname',
    SANDBOX_HOSTNAME,
    '--die-with-parent',
    '--new-session',
    '--ro-bind',
    '/usr',
    '/usr',
    ...rootLinks(),
    // /usr/local is the host's own business; the sandbox gets only the Node that runs the course's TypeScript.
    '--tmpfs',
    '/usr/local',
    '--ro-bind',
    layout.tools.nodeBinary,
    '/usr/local/bin/node',
    ...Object.entries(layout.tools.nodePackages).flatMap(([name, dir]) => [
      '--ro-bind',
      dir,
      `${SANDBOX_NODE_MODULES}/${name}`,
    ]),
    '--symlink',
    SANDBOX_NODE_MODULES,
    '/node_modules',
    '--dir',
    '/etc',
    ...etc,
    '--ro-bind',
    layout.passwd,
    '/etc/passwd',
    '--ro-bind',
    layout.group,
    '/etc/group',
    '--ro-bind',
    `${layout.tools.filesDir}/hosts`,
    '/etc/hosts',
    '--ro-bind',
    `${layout.tools.filesDir}/nsswitch.conf`,
    '/etc/nsswitch.conf',
    '--ro-bind',
    `${layout.tools.filesDir}/bashrc`,
    '/etc/socket-lab/bashrc',
    '--proc',
    '/proc',
    // Individual device nodes instead of `--dev`: mounting a devpts makes bwrap nest a second user namespace, which
    // owns nothing, and nsenter could then not join the network namespace.
    '--dir',
    '/dev',
    ...devices,
    '--symlink',
    '/proc/self/fd',
    '/dev/fd',
    '--symlink',
    '/proc/self/fd/0',
    '/dev/stdin',
    '--symlink',
    '/proc/self/fd/1',
    '/dev/stdout',
    '--symlink',
    '/proc/self/fd/2',
    '/dev/stderr',
    '--bind',
    layout.shm,
    '/dev/shm',
    '--bind',
    layout.home,
    SANDBOX_HOME,
    '--bind',
    layout.tmp,
    '/tmp',
    '--dir',
    '/var',
    '--symlink',
    '../tmp',
    '/var/tmp',
    '--chdir',
    SANDBOX_HOME,
    '--info-fd',
    String(infoFd),
    '--',
    '/usr/bin/cat',
  ];
}

/** Runs `command` inside the holder's namespaces and root, in the home directory, as the workspace's user. */
export function enterArgv(holderPid: number, identity: Identity, limits: Limits, command: readonly string[]): string[] {
  return [
    ...privilegePrefix(identity, limits),
    '/usr/bin/nsenter',
    `--target=${holderPid}`,
    '--user',
    '--net',
    '--pid',
    '--mount',
    '--ipc',
    '--uts',
    '--preserve-credentials',
    '--root',
    // With no value: the holder's working directory, the home. A value would be a host path.
    '--wd',
    '--',
    ...command,
  ];
}

export function shellCommand(bashrc: string): string[] {
  return ['/bin/bash', '--rcfile', bashrc, '-i'];
}

/** The whole environment a learner's shell starts with; nothing of the backend's own environment. */
export function learnerEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    USER: 'learner',
    LOGNAME: 'learner',
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    LANG: 'C.UTF-8',
    PATH: '/usr/local/bin:/usr/bin:/bin',
  };
}
