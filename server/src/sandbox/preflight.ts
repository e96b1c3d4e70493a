/**
 * Can this machine make workspace sandboxes? Tried for real at start-up (the backend refuses to start without them)
 * and by `doctor`; when it fails, says why and what to do about it.
 */
import { spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readFile, rm, writeFile, chown } from 'node:fs/promises';
import path from 'node:path';
import { createRecordingLogger } from '../log.ts';
import { MAX_FILE_SIZE, type HostRoot, type Identity, type Limits, type SandboxTools } from './argv.ts';
import { startSandbox, type WorkspaceRuntime } from './sandbox.ts';

export type SandboxCheck = { ok: true; detail: string } | { ok: false; problem: string; fix: string };

export interface PreflightOptions {
  /** A directory the sandbox's user can reach, for the throwaway test workspace. */
  dataDir: string;
  tools: SandboxTools;
  hostRoot: HostRoot;
  identity: Identity;
}

/** The check is about namespaces and tools; cgroups and disks are lab-limits.ts's to check. */
const PREFLIGHT_LIMITS: Limits = { cgroup: null, processes: null, openFiles: null, fileSize: MAX_FILE_SIZE };

const TOOLS = [
  { file: '/usr/bin/bwrap', fix: 'apt-get install bubblewrap' },
  { file: '/usr/bin/nsenter', fix: 'apt-get install util-linux' },
  { file: '/usr/bin/setpriv', fix: 'apt-get install util-linux' },
  { file: '/usr/bin/prlimit', fix: 'apt-get install util-linux' },
];

export async function checkSandbox(options: PreflightOptions): Promise<SandboxCheck> {
  for (const tool of TOOLS) {
    const usable = await access(tool.file, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!usable) return { ok: false, problem: `${tool.file} is missing`, fix: tool.fix };
  }
  const root = await mkdtemp(path.join(options.dataDir, 'preflight-'));
  try {
    const home = path.join(root, 'home');
    const tmp = path.join(root, 'tmp');
    const shm = path.join(root, 'shm');
    for (const dir of [home, tmp, shm]) await mkdir(dir);
    const passwd = path.join(root, 'passwd');
    const group = path.join(root, 'group');
    await writeFile(passwd, '');
    await writeFile(group, '');
    if (options.identity) {
      for (const p of [root, home, tmp, shm, passwd, group]) await chown(p, options.identity.uid, options.identity.gid);
    }
    const log = createRecordingLogger();
    let runtime: WorkspaceRuntime;
    try {
      runtime = await startSandbox(
        { home, tmp, shm, passwd, group, tools: options.tools, hostRoot: options.hostRoot },
        options.identity,
        PREFLIGHT_LIMITS,
        [],
        log,
      );
    } catch (error) {
      return { ok: false, problem: (error as Error).message, ...(await diagnose()) };
    }
    try {
      const probe = runtime.command(['/usr/bin/id', '-u']);
      const result = await run(probe.file, probe.args, probe.env);
      const expected = String(options.identity?.uid ?? process.getuid?.() ?? '');
      if (result.code !== 0) {
        return {
          ok: false,
          problem: `entering the sandbox failed (status ${result.code}): ${result.output.trim()}`,
          ...(await diagnose()),
        };
      }
      if (result.output.trim() !== expected || expected === '0') {
        return {
          ok: false,
          problem: `learner programs would run as uid ${result.output.trim()}, expected ${expected}`,
          fix: 'run the backend as root (each workspace then gets its own uid) or as an ordinary user',
        };
      }
      return { ok: true, detail: `bubblewrap sandbox works (learners run as host uid ${expected})` };
    } finally {
      await runtime.kill();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function run(file: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ code: -1, output: error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

async function readSysctl(file: string): Promise<string | null> {
  return readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => null,
  );
}

/** The usual reasons unprivileged user namespaces are unavailable, with the fix for each. */
async function diagnose(): Promise<{ fix: string }> {
  if ((await readSysctl('/proc/sys/user/max_user_namespaces')) === '0') {
    return { fix: 'user namespaces are disabled: sysctl -w user.max_user_namespaces=15000' };
  }
  if ((await readSysctl('/proc/sys/kernel/unprivileged_userns_clone')) === '0') {
    return { fix: 'unprivileged user namespaces are disabled: sysctl -w kernel.unprivileged_userns_clone=1' };
  }
  if ((await readSysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns')) === '1') {
    return {
      fix:
        'AppArmor restricts unprivileged user namespaces: allow bwrap with an AppArmor profile ' +
        '(or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)',
    };
  }
  return {
    fix:
      'check that bwrap works for the backend user (bwrap --unshare-all --ro-bind /usr /usr true), that the project ' +
      'and data directories are readable by the sandbox user, or use --unsafe-no-sandbox on a trusted laptop',
  };
}
