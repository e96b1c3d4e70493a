/**
 * `doctor`: checks everything the lab needs on this machine and says what to do about each gap.
 */
import { spawn } from 'node:child_process';
import { access, chmod, constants, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as pty from 'node-pty';
import { isLoopback } from './config-options.ts';
import type { Config } from './config.ts';
import { identityFor, limitsOptions, stagedSandboxTools } from './lab.ts';
import { createRecordingLogger } from './log.ts';
import { LabLimits } from './sandbox/lab-limits.ts';
import { inspectHostRoot } from './sandbox/host-root.ts';
import { checkSandbox } from './sandbox/preflight.ts';
import { inspectStore } from './store/store.ts';

export interface Finding {
  name: string;
  ok: boolean;
  /** Whether the lab cannot run without it (otherwise only some lessons or the tests need it). */
  required: boolean;
  detail: string;
  fix?: string;
}

const MIN_NODE: readonly [number, number] = [22, 12];

export async function runDoctor(config: Config): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (finding: Finding) => findings.push(finding);

  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  add({
    name: 'Node.js',
    ok: nodeOk,
    required: true,
    detail: `${process.version} at ${process.execPath}`,
    fix: 'Astro 7 needs Node >= 22.12; Node 24 LTS is what the course uses (scripts/setup.sh installs it)',
  });

  add(await checkPty());

  if (config.unsafeNoSandbox) {
    add({ name: 'sandbox', ok: true, required: true, detail: 'skipped: --unsafe-no-sandbox' });
  } else {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-doctor-'));
    try {
      const identity = identityFor(config)(0);
      if (identity) {
        await chmod(dataDir, 0o711);
        add(await checkEnterable(os.tmpdir()));
      }
      const tools = await stagedSandboxTools(dataDir);
      const check = await checkSandbox({ dataDir, tools, hostRoot: inspectHostRoot(), identity });
      add(
        check.ok
          ? { name: 'sandbox', ok: true, required: true, detail: check.detail }
          : { name: 'sandbox', ok: false, required: true, detail: check.problem, fix: check.fix },
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  const store = await inspectStore(config.dataDir);
  add({ name: 'store', required: true, ...store });

  for (const finding of await checkLimits(config)) add(finding);

  const python = await output('/usr/bin/python3', ['-c', 'import sys; print(sys.version.split()[0])']);
  add({
    name: 'python3',
    ok: python.code === 0,
    required: true,
    detail: python.code === 0 ? `/usr/bin/python3 ${python.text.trim()}` : 'missing',
    fix: 'apt-get install python3',
  });
  const websockets = await output('/usr/bin/python3', ['-c', 'import websockets; print(websockets.__version__)']);
  add({
    name: 'python3-websockets',
    ok: websockets.code === 0,
    required: false,
    detail: websockets.code === 0 ? `websockets ${websockets.text.trim()}` : 'missing (lesson 11)',
    fix: 'apt-get install python3-websockets (pip is not how Debian installs it)',
  });

  for (const [tool, pkg, required] of [
    ['/usr/bin/ss', 'iproute2', true],
    ['/usr/bin/curl', 'curl', true],
    ['/usr/bin/socat', 'socat', false],
    ['/usr/bin/tcpdump', 'tcpdump', false],
    ['/usr/bin/nc', 'netcat-openbsd', false],
    ['/usr/bin/sha256sum', 'coreutils', false],
    ['/usr/bin/mcs', 'mono-mcs', false],
    ['/usr/bin/mono', 'mono-runtime', false],
    ['/usr/bin/chromium', 'chromium', false],
  ] as const) {
    const present = await executable(tool);
    add({
      name: path.basename(tool),
      ok: present,
      required,
      detail: present
        ? tool
        : `missing (${required ? 'lessons use it' : 'some lessons, the wire view or the browser tests use it'})`,
      fix: `apt-get install ${pkg}`,
    });
  }

  const fonts = await output('/usr/bin/fc-list', [':lang=zh', 'family']);
  add({
    name: 'CJK fonts',
    ok: fonts.code === 0 && fonts.text.trim().length > 0,
    required: false,
    detail:
      fonts.code === 0 && fonts.text.trim()
        ? (fonts.text.split('\n')[0] ?? '')
        : 'none (Chinese shows as boxes in screenshots)',
    fix: 'apt-get install fonts-noto-cjk',
  });

  const site = await executable(path.join(config.siteDir, 'index.html'), constants.R_OK);
  add({
    name: 'built site',
    ok: site,
    required: true,
    detail: site ? config.siteDir : `no ${path.join(config.siteDir, 'index.html')}`,
    fix: 'npm run build',
  });
  return findings;
}

/**
 * Sandbox users pass through the scratch directory's parents to reach their workspace; a private TMPDIR (mode 0700)
 * would stop them.
 */
async function checkEnterable(dir: string): Promise<Finding> {
  const name = 'scratch directory';
  const blocked: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (((await stat(at)).mode & 0o001) === 0) blocked.push(at);
    if (at === path.dirname(at)) break;
  }
  if (blocked.length === 0) return { name, ok: true, required: true, detail: `${dir} (sandbox users can enter it)` };
  return {
    name,
    ok: false,
    required: true,
    detail: `sandbox users cannot enter ${blocked.join(', ')} on the way to ${dir}`,
    fix: 'set TMPDIR to a directory others may enter (e.g. TMPDIR=/tmp), or chmod o+x it',
  };
}

/** Sets the lab's limits up as the lab would, says which cgroups it uses and which limit holds, and removes it. */
async function checkLimits(config: Config): Promise<Finding[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-doctor-'));
  try {
    const limits = await LabLimits.start(limitsOptions(config, dataDir, createRecordingLogger()));
    await limits.close();
    const { report } = limits;
    // Without every limit the lab serves loopback only, unless told --no-limits.
    const required = !config.noLimits && !isLoopback(config.host);
    const fix =
      'run the backend as root on a machine with cgroups (v2 with delegation, or v1); ' +
      'or serve on loopback only, or accept it with --no-limits';
    return [
      {
        name: 'cgroups',
        ok: report.cgroupVersion !== null,
        required,
        detail: report.cgroups,
        fix,
      },
      ...report.items.map((item) => ({
        name: `limit: ${item.limit}`,
        ok: item.enforced,
        required,
        detail: item.detail,
        fix,
      })),
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const mark = f.ok ? 'ok  ' : f.required ? 'FAIL' : 'warn';
      const fix = !f.ok && f.fix ? `\n        fix: ${f.fix}` : '';
      return `  [${mark}] ${f.name}: ${f.detail}${fix}`;
    })
    .join('\n');
}

function executable(file: string, mode = constants.X_OK): Promise<boolean> {
  return access(file, mode).then(
    () => true,
    () => false,
  );
}

function output(file: string, args: string[]): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ code: -1, text: error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, text }));
  });
}

function checkPty(): Promise<Finding> {
  const name = 'node-pty';
  const fix = 'npm rebuild node-pty (needs python3, make and g++; headers via npm_config_nodedir=/usr)';
  return new Promise((resolve) => {
    let term: pty.IPty;
    try {
      term = pty.spawn('/bin/echo', ['pty-ok'], { name: 'xterm', cols: 80, rows: 24, env: { PATH: '/usr/bin' } });
    } catch (error) {
      resolve({ name, ok: false, required: true, detail: String(error), fix });
      return;
    }
    let seen = '';
    term.onData((data) => (seen += data));
    term.onExit(() => {
      const ok = seen.includes('pty-ok');
      resolve({
        name,
        ok,
        required: true,
        detail: ok ? 'spawns programs in a pseudo-terminal' : `got ${JSON.stringify(seen)}`,
        fix,
      });
    });
  });
}
