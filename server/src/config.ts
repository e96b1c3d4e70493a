/**
 * The backend's configuration: command-line options, then environment variables, then defaults. Parsed once at
 * start-up, validated, frozen and passed to whatever needs it; nothing else reads argv or the environment.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DOOR, SANDBOX_POOL, WORKSPACE_DEFAULTS } from '#protocol/limits.ts';
import { parseWithFriendlyErrors } from '#protocol/errors.ts';

const MIB = 1024 * 1024;
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

const optionsSchema = z
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

type OptionName = keyof z.input<typeof optionsSchema>;

/** Each option's environment variable and help; its default lives in the schema above. */
const OPTION_DOCS: { readonly [K in OptionName]-?: { env: string; help: string } } = {
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
  'no-limits': {
    env: 'SOCKET_LAB_NO_LIMITS',
    help: 'no cgroups and no size-limited disk for workspaces; needed to serve beyond loopback where they cannot be had',
  },
  'sandbox-pool': {
    env: 'SOCKET_LAB_SANDBOX_POOL',
    help: 'sandboxes kept started ahead of arriving learners (about 0.4 MiB each); when none is given, none on loopback and beyond it as many as --max-workspaces, up to 100',
  },
};

const BOOLEAN_OPTIONS: ReadonlySet<OptionName> = new Set(['unsafe-no-sandbox', 'no-limits']);

const OPTION_NAMES = Object.keys(OPTION_DOCS) as OptionName[];

/** What each workspace may use, enforced by the kernel (see server/src/sandbox/lab-limits.ts). */
export interface WorkspaceLimits {
  readonly memoryBytes: number;
  readonly processes: number;
  /** CPUs' worth of time per period; may be fractional. */
  readonly cpus: number;
  /** Home, /tmp and /dev/shm together. */
  readonly diskBytes: number;
  /** RLIMIT_NOFILE of every learner process. */
  readonly openFiles: number;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly siteDir: string;
  readonly examplesDir: string;
  /** Persistent: the store of learners and their work. */
  readonly dataDir: string;
  readonly allowedOrigins: readonly string[];
  readonly idleTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly maxWorkspaces: number;
  readonly maxWorkspacesPerLearner: number;
  readonly maxLearners: number;
  /** The class passcode; null when the lab is open (loopback without --passcode). */
  readonly passcode: string | null;
  /** Whether `passcode` was generated at start (printed, with the join URL, for the instructor). */
  readonly passcodeGenerated: boolean;
  readonly scrollbackBytes: number;
  readonly sandboxUidBase: number;
  readonly unsafeNoSandbox: boolean;
  readonly limits: WorkspaceLimits;
  /** --no-limits: no cgroups and no size-limited disk are created (the per-process rlimits stay). */
  readonly noLimits: boolean;
  /** Sandboxes kept started ahead of learners (server/src/workspace/sandbox-pool.ts). */
  readonly sandboxPool: number;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string } | { ok: 'help'; text: string };

export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths given on the command line or in the environment are resolved against this directory... */
  cwd: string;
  /** ...and the default paths (dist, examples) against the project's own. */
  projectRoot: string;
  /** The backend's uid: root keeps its data in /var/lib, anyone else under their XDG data home. */
  uid: number;
  /** Makes a passcode when one is needed and none was given (random by default; fixed in tests). */
  generatePasscode?: () => string;
}

/** `/var/lib/socket-lab` as root, else `${XDG_DATA_HOME:-~/.local/share}/socket-lab`. */
function defaultDataDir(env: ConfigSources['env'], uid: number): string {
  if (uid === 0) return '/var/lib/socket-lab';
  const xdg = env['XDG_DATA_HOME'];
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'socket-lab');
  return path.join(env['HOME'] || os.homedir(), '.local', 'share', 'socket-lab');
}

/** Ten characters from an alphabet without look-alikes (no 0/O, 1/l/I), easy to read off a projector. */
function randomPasscode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

export function parseConfig({
  argv,
  env,
  cwd,
  projectRoot,
  uid,
  generatePasscode = randomPasscode,
}: ConfigSources): ConfigResult {
  let flags: Record<string, string | boolean | string[] | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          OPTION_NAMES.map((name) => [
            name,
            BOOLEAN_OPTIONS.has(name)
              ? { type: 'boolean' as const }
              : { type: 'string' as const, multiple: name === 'allowed-origin' },
          ]),
        ),
      },
    }).values;
  } catch (error) {
    return { ok: false, error: `${(error as Error).message}\nRun with --help to list the options.` };
  }
  if (flags['help'] === true) return { ok: 'help', text: helpText(defaultDataDir(env, uid)) };

  const raw: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const fromEnv = env[OPTION_DOCS[name].env];
    if (flags[name] !== undefined) raw[name] = flags[name];
    else if (fromEnv !== undefined && fromEnv !== '') {
      raw[name] = name === 'allowed-origin' ? fromEnv.split(',').map((s) => s.trim()) : fromEnv;
    }
  }
  const parsed = parseWithFriendlyErrors(optionsSchema, raw, (where) => {
    const name = OPTION_NAMES.find((n) => n === where[0]);
    return name ? `--${name} (or ${OPTION_DOCS[name].env})` : 'configuration';
  });
  if (!parsed.ok) return parsed;
  const c = parsed.data;
  const resolve = (name: OptionName, value: string) => path.resolve(name in raw ? cwd : projectRoot, value);
  // A class beyond loopback always has a door: without a passcode anyone who reaches the port would get a shell.
  const passcode = c.passcode ?? (isLoopback(c.host) ? null : generatePasscode());
  return {
    ok: true,
    config: Object.freeze({
      host: c.host,
      port: c.port,
      siteDir: resolve('site-dir', c['site-dir']),
      examplesDir: resolve('examples-dir', c['examples-dir']),
      dataDir: c['data-dir'] === undefined ? defaultDataDir(env, uid) : resolve('data-dir', c['data-dir']),
      allowedOrigins: Object.freeze([...c['allowed-origin']]),
      idleTimeoutMs: c['idle-timeout'] * 1000,
      heartbeatMs: c.heartbeat * 1000,
      maxWorkspaces: c['max-workspaces'],
      maxWorkspacesPerLearner: c['max-workspaces-per-learner'],
      maxLearners: c['max-learners'],
      passcode,
      passcodeGenerated: passcode !== null && c.passcode === undefined,
      scrollbackBytes: c.scrollback,
      sandboxUidBase: c['sandbox-uid-base'],
      unsafeNoSandbox: c['unsafe-no-sandbox'],
      limits: Object.freeze({
        memoryBytes: c['memory-limit'] * MIB,
        processes: c['process-limit'],
        cpus: c['cpu-limit'],
        diskBytes: c['disk-limit'] * MIB,
        openFiles: c['open-files'],
      }),
      noLimits: c['no-limits'],
      sandboxPool:
        c['sandbox-pool'] ??
        (isLoopback(c.host) ? SANDBOX_POOL.loopbackSize : Math.min(SANDBOX_POOL.classSize, c['max-workspaces'])),
    }),
  };
}

function helpText(dataDir: string): string {
  const defaults = { ...optionsSchema.parse({}), 'data-dir': dataDir };
  const rows = OPTION_NAMES.map((name) => {
    const value = defaults[name];
    const shown = Array.isArray(value) ? (value.length ? value.join(',') : 'none') : String(value ?? 'none');
    const { help, env } = OPTION_DOCS[name];
    return `  --${name}\n      ${help}\n      default: ${shown}; env: ${env}`;
  });
  return [
    'Usage: socket-lab [start|doctor] [options]',
    '',
    '  start    serve the course and its live terminals (the default)',
    '  doctor   check everything the lab needs and say how to fix each gap',
    '',
    'Options (command line wins over environment):',
    ...rows,
    '  --help, -h\n      show this help',
  ].join('\n');
}
