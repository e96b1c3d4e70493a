/**
 * The backend's options: their schema (with defaults), their environment variables and their help, defined once
 * for config.ts to parse and to list in `--help`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { DOOR, SANDBOX_POOL, WORKSPACE_DEFAULTS } from '#protocol/limits.ts';

export const MIB = 1024 * 1024;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

const intFrom = (min: number, max: number) => z.coerce.number<unknown>().int().min(min).max(max);
const booleanFlag = z.union([z.boolean(), z.enum(['1', 'true', 'yes', '0', 'false', 'no', ''])]).transform((v) => {
  if (typeof v === 'boolean') return v;
  return v === '1' || v === 'true' || v === 'yes';
});
const origin = z.url({ protocol: /^https?$/ }).transform((value, ctx) => {
  const url = new URL(value);
  if (url.origin !== value.replace(/\/$/, '')) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an origin like http://host:port` });
    return z.NEVER;
  }
  return url.origin;
});

export const optionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: intFrom(0, 65535).default(4321),
    'site-dir': z.string().min(1).default('dist'),
    'examples-dir': z.string().min(1).default('examples'),
    'data-dir': z.string().min(1).optional(),
    'allowed-origin': z.array(origin).default([]),
    'idle-timeout': intFrom(1, 7 * 24 * 3600).default(1800),
    heartbeat: intFrom(1, 3600).default(15),
    'max-workspaces': intFrom(1, 10_000).default(100),
    'max-workspaces-per-learner': intFrom(1, 100).default(4),
    'max-learners': intFrom(1, 100_000).default(1000),
    passcode: z
      .string()
      .min(DOOR.passcodeMinChars, `a passcode needs at least ${DOOR.passcodeMinChars} characters`)
      .max(DOOR.passcodeChars)
      .regex(/^[\x21-\x7e]+$/, 'a passcode is printable ASCII without spaces')
      .optional(),
    scrollback: intFrom(4096, 16 * 1024 * 1024).default(256 * 1024),
    'sandbox-uid-base': intFrom(1000, 2 ** 31 - 100_001).default(200_000),
    'unsafe-no-sandbox': booleanFlag.default(false),
    'memory-limit': intFrom(32, 1024 * 1024).default(WORKSPACE_DEFAULTS.memoryMiB),
    'process-limit': intFrom(16, 4_000_000).default(WORKSPACE_DEFAULTS.processes),
    'cpu-limit': z.coerce.number<unknown>().min(0.01).max(1024).default(WORKSPACE_DEFAULTS.cpus),
    'disk-limit': intFrom(1, 1024 * 1024).default(WORKSPACE_DEFAULTS.diskMiB),
    'open-files': intFrom(32, 1024 * 1024).default(WORKSPACE_DEFAULTS.openFiles),
    'backend-cpus': intFrom(0, 1024).default(WORKSPACE_DEFAULTS.backendCpus),
    'no-limits': booleanFlag.default(false),
    'sandbox-pool': intFrom(0, SANDBOX_POOL.maxSize).optional(),
  })
  .superRefine((c, ctx) => {
    if (c['unsafe-no-sandbox'] && !isLoopback(c.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['host'],
        message: '--unsafe-no-sandbox only listens on loopback (127.0.0.1, ::1 or localhost)',
      });
    }
  });

export type OptionName = keyof z.input<typeof optionsSchema>;

/** Each option's environment variable and help; its default lives in the schema above. */
export const OPTION_DOCS: { readonly [K in OptionName]-?: { env: string; help: string } } = {
  host: { env: 'SOCKET_LAB_HOST', help: 'address to listen on (0.0.0.0 serves a classroom)' },
  port: { env: 'PORT', help: 'port to listen on (0 picks a free one)' },
  'site-dir': { env: 'SOCKET_LAB_SITE_DIR', help: 'the built site to serve (output of `astro build`)' },
  'examples-dir': { env: 'SOCKET_LAB_EXAMPLES_DIR', help: 'lesson example folders, each with a lab.json' },
  'data-dir': {
    env: 'SOCKET_LAB_DATA_DIR',
    help: 'where learners and their work are kept (a SQLite database); never removed by the lab',
  },
  'allowed-origin': {
    env: 'SOCKET_LAB_ALLOWED_ORIGINS',
    help: 'extra origin allowed to open terminals, e.g. https://lab.example.org (repeatable; env: comma-separated)',
  },
  'idle-timeout': {
    env: 'SOCKET_LAB_IDLE_TIMEOUT',
    help: 'seconds a workspace lives with no browser attached before it is reaped',
  },
  heartbeat: {
    env: 'SOCKET_LAB_HEARTBEAT',
    help: 'seconds between WebSocket pings; a peer silent for two intervals is dropped',
  },
  'max-workspaces': { env: 'SOCKET_LAB_MAX_WORKSPACES', help: 'workspaces alive at once, over all learners' },
  'max-workspaces-per-learner': {
    env: 'SOCKET_LAB_MAX_WORKSPACES_PER_LEARNER',
    help: "a learner's workspaces alive at once; opening one more reaps their least recently used idle one",
  },
  'max-learners': {
    env: 'SOCKET_LAB_MAX_LEARNERS',
    help: 'learners who may join (each join with the passcode mints one)',
  },
  passcode: {
    env: 'SOCKET_LAB_PASSCODE',
    help: 'class passcode asked once per browser; beyond loopback one is generated when none is given',
  },
  scrollback: {
    env: 'SOCKET_LAB_SCROLLBACK',
    help: 'bytes of recent output kept per terminal and replayed when a browser re-attaches',
  },
  'sandbox-uid-base': {
    env: 'SOCKET_LAB_SANDBOX_UID_BASE',
    help: 'when run as root, workspace N runs as host uid/gid base+N (never as root)',
  },
  'unsafe-no-sandbox': {
    env: 'SOCKET_LAB_UNSAFE_NO_SANDBOX',
    help: 'run terminals without a sandbox, as this user (trusted single-user laptop only; loopback only)',
  },
  'memory-limit': {
    env: 'SOCKET_LAB_MEMORY_LIMIT',
    help: "MiB of memory a workspace's programs and files may use together; beyond it the largest program is killed",
  },
  'process-limit': {
    env: 'SOCKET_LAB_PROCESS_LIMIT',
    help: 'processes a workspace may have at once; beyond it fork() fails',
  },
  'cpu-limit': {
    env: 'SOCKET_LAB_CPU_LIMIT',
    help: 'CPUs a workspace may use at most (decimal, e.g. 0.5); busy workspaces share the CPUs equally',
  },
  'disk-limit': {
    env: 'SOCKET_LAB_DISK_LIMIT',
    help: 'MiB of files a workspace may keep in its home, /tmp and /dev/shm together (held in memory, like /tmp)',
  },
  'open-files': { env: 'SOCKET_LAB_OPEN_FILES', help: 'files and sockets each learner process may have open at once' },
  'backend-cpus': {
    env: 'SOCKET_LAB_BACKEND_CPUS',
    help: "CPUs no learner program runs on, kept for the backend that echoes every learner's typing (1 shields it from busy neighbours)",
  },
  'no-limits': {
    env: 'SOCKET_LAB_NO_LIMITS',
    help: 'no cgroups and no size-limited disk for workspaces; needed to serve beyond loopback where they cannot be had',
  },
  'sandbox-pool': {
    env: 'SOCKET_LAB_SANDBOX_POOL',
    help: `sandboxes kept started ahead of arriving learners, each with a shell at its prompt for a lab's first ${SANDBOX_POOL.shellsAhead} terminals (about 3 MiB in all; ${SANDBOX_POOL.shellsInAll} shells at most over the pool); when none is given, none on loopback and beyond it as many as --max-workspaces, up to ${SANDBOX_POOL.classSize}`,
  },
};

export const BOOLEAN_OPTIONS: ReadonlySet<OptionName> = new Set(['unsafe-no-sandbox', 'no-limits']);

export const OPTION_NAMES = Object.keys(OPTION_DOCS) as OptionName[];
