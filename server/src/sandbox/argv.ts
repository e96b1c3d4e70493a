/**
 * The command lines that build and enter a workspace sandbox. Pure functions of plain data (what the host has is read
 * once by host-root.ts), so what the sandbox exposes can be read, and tested, in one place: the holder's file system
 * is a list of typed mounts, flattened into bwrap options at the end.
 *
 * A workspace is one long-lived bubblewrap "holder" with its own user, network, PID, IPC and UTS namespaces and a
 * minimal read-only root. Every terminal joins the holder's namespaces with nsenter, so all terminals of a workspace
 * share one loopback (the study note's 127.0.0.1:2333), one process table and one home, while nothing of the host's
 * network, processes or files is reachable. bwrap cannot join an existing namespace, hence nsenter for terminals.
 */
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
  hostRoot: HostRoot;
}

/** What of the host's own root exists to build a sandbox from, in sandbox paths (host-root.ts reads it). */
export interface HostRoot {
  /** The entries of /etc a sandbox may see (isEtcAllowed) that exist. */
  etc: readonly string[];
  /** The ROOT_DIRS that exist: links into /usr on a merged-/usr system, else real directories. */
  rootDirs: readonly { path: string; symlink: boolean }[];
  /** The DEVICES that exist. */
  devices: readonly string[];
  /** Whether the host has PTYS_DIR, where the backend's terminals' ptys are. */
  ptys: boolean;
}

/** One step of building the holder's file system, in bwrap's order. */
export type Mount =
  | { kind: 'ro-bind' | 'bind' | 'dev-bind'; source: string; target: string }
  /** A link at `target` whose text is `source`. */
  | { kind: 'symlink'; source: string; target: string }
  | { kind: 'tmpfs' | 'dir' | 'proc'; target: string };

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
export const ETC_ALLOWLIST: readonly string[] = [
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/localtime',
  '/etc/services',
  '/etc/protocols',
  '/etc/terminfo',
  '/etc/inputrc',
  '/etc/mono',
  '/etc/python3',
  '/etc/ssl/openssl.cnf',
];

/** And the host Python's per-version configuration, whichever version that is. */
export const PYTHON_ETC = /^\/etc\/python3\.\d+$/;

export function isEtcAllowed(entry: string): boolean {
  return ETC_ALLOWLIST.includes(entry) || PYTHON_ETC.test(entry);
}

/** Top-level directories of the host root a sandbox gets (read-only), where they exist. */
export const ROOT_DIRS: readonly string[] = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * The host's pty directory. In the sandbox a program can then name its own terminal (ttyname, `tty`): Node needs that
 * name to reopen its terminal non-blocking, and without it reads stdin blocking on its main thread, where Stop's
 * SIGINT waits behind the read. Only when each workspace has a user of its own: the backend gives each terminal's pty
 * to that user (mode 600), so another workspace sees the node but cannot open it. With no /dev/ptmx nobody can make
 * new ptys in the host's instance.
 */
export const PTYS_DIR = '/dev/pts';

export const DEVICES: readonly string[] = [
  '/dev/null',
  '/dev/zero',
  '/dev/full',
  '/dev/random',
  '/dev/urandom',
  '/dev/tty',
];

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
 * The holder's file system: a minimal read-only root, the workspace's own home, tmp and shm, and a few files of the
 * backend's and the host's. bwrap applies the mounts in this order.
 */
export function holderMounts(layout: SandboxLayout, ownUser: boolean): Mount[] {
  const { tools, hostRoot } = layout;
  const roBind = (source: string, target = source): Mount => ({ kind: 'ro-bind', source, target });
  const symlink = (source: string, target: string): Mount => ({ kind: 'symlink', source, target });
  return [
    roBind('/usr'),
    // Top-level directories of a merged-/usr system are symlinks into /usr; on others they are real and bound as such.
    ...hostRoot.rootDirs.map((dir) => (dir.symlink ? symlink(`usr${dir.path}`, dir.path) : roBind(dir.path))),
    // /usr/local is the host's own business; the sandbox gets only the Node that runs the course's TypeScript.
    { kind: 'tmpfs', target: '/usr/local' },
    roBind(tools.nodeBinary, '/usr/local/bin/node'),
    ...Object.entries(tools.nodePackages).map(([name, dir]) => roBind(dir, `${SANDBOX_NODE_MODULES}/${name}`)),
    symlink(SANDBOX_NODE_MODULES, '/node_modules'),
    { kind: 'dir', target: '/etc' },
    // Checked here too: whatever the host data says, nothing else of /etc gets in.
    ...hostRoot.etc.filter(isEtcAllowed).map((entry) => roBind(entry)),
    roBind(layout.passwd, '/etc/passwd'),
    roBind(layout.group, '/etc/group'),
    roBind(`${tools.filesDir}/hosts`, '/etc/hosts'),
    roBind(`${tools.filesDir}/nsswitch.conf`, '/etc/nsswitch.conf'),
    roBind(`${tools.filesDir}/bashrc`, '/etc/socket-lab/bashrc'),
    { kind: 'proc', target: '/proc' },
    // Individual device nodes instead of `--dev`: mounting a devpts makes bwrap nest a second user namespace, which
    // owns nothing, and nsenter could then not join the network namespace.
    { kind: 'dir', target: '/dev' },
    ...hostRoot.devices.map((device): Mount => ({ kind: 'dev-bind', source: device, target: device })),
    ...(ownUser && hostRoot.ptys ? [{ kind: 'dev-bind', source: PTYS_DIR, target: PTYS_DIR } as const] : []),
    symlink('/proc/self/fd', '/dev/fd'),
    symlink('/proc/self/fd/0', '/dev/stdin'),
    symlink('/proc/self/fd/1', '/dev/stdout'),
    symlink('/proc/self/fd/2', '/dev/stderr'),
    { kind: 'bind', source: layout.shm, target: '/dev/shm' },
    { kind: 'bind', source: layout.home, target: SANDBOX_HOME },
    { kind: 'bind', source: layout.tmp, target: '/tmp' },
    { kind: 'dir', target: '/var' },
    symlink('../tmp', '/var/tmp'),
  ];
}

/** The bwrap options that make `mounts`. */
export function mountOptions(mounts: readonly Mount[]): string[] {
  return mounts.flatMap((mount) =>
    'source' in mount ? [`--${mount.kind}`, mount.source, mount.target] : [`--${mount.kind}`, mount.target],
  );
}

/**
 * The holder: bwrap's init is pid 1 of the workspace, reaping orphans and holding the namespaces open until it is
 * killed. Its command is `cat`, which echoes a line the backend writes once the sandbox is fully built (bwrap
 * reports the child's pid before its mounts are in place), and ends if the backend goes away.
 */
export function holderArgv(layout: SandboxLayout, identity: Identity, limits: Limits, infoFd: number): string[] {
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
    ...mountOptions(holderMounts(layout, identity !== null)),
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
