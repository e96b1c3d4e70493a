/**
 * The backend's configuration: command-line options, then environment variables, then defaults. Parsed once at
 * start-up, validated, frozen and passed to whatever needs it; nothing else reads argv or the environment.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SANDBOX_POOL } from '#protocol/limits.ts';
import { parseWithFriendlyErrors } from '#protocol/errors.ts';

import {
  BOOLEAN_OPTIONS,
  isLoopback,
  MIB,
  OPTION_DOCS,
  OPTION_NAMES,
  optionsSchema,
  type OptionName,
} from './config-options.ts';

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
  /** The lab's first CPUs, kept free of learners' programs for the backend (sandbox/cpu-list.ts). */
  readonly backendCpus: number;
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
        backendCpus: c['backend-cpus'],
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
