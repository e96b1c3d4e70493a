/**
 * Starts the real backend (real sandbox, real node-pty, real TCP) on a free port, and drives it through the same
 * protocol client the browser uses.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../server/src/config.ts';
import { createLogger, createRecordingLogger, type Logger, type LogLine } from '../../server/src/log.ts';
import { startSiteServer, type SiteServer } from '../../server/src/site-server.ts';
import { LabSocket, type ConnectionState, type TerminalEvents } from '../../src/components/lab/lab-socket.ts';
import { after } from 'node:test';
import { Waiters } from './waiters.ts';
import type { ErrorCode, PaneEvent, TerminalEncoding, TerminalStatus } from '#protocol/messages.ts';

export const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');

export interface TestLab {
  site: SiteServer;
  url: string;
  /** The Origin a page of this site sends. */
  origin: string;
  log: LogLine[];
  close(): Promise<void>;
}

/**
 * Starts the backend on port 0 with `options` (command-line style) on top of test defaults. Its store is a fresh
 * data directory, removed on close, unless the options name one (a test of what survives a restart).
 */
export async function startTestLab(options: string[] = []): Promise<TestLab> {
  const ownDataDir = options.includes('--data-dir') ? null : await mkdtemp(path.join(os.tmpdir(), 'socket-lab-data-'));
  const parsed = parseConfig({
    argv: ['--host', '127.0.0.1', '--port', '0', ...(ownDataDir ? ['--data-dir', ownDataDir] : []), ...options],
    env: {},
    cwd: PROJECT_ROOT,
    projectRoot: PROJECT_ROOT,
    uid: process.getuid?.() ?? 1000,
  });
  if (parsed.ok !== true) {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    throw new Error(`bad test config: ${JSON.stringify(parsed)}`);
  }
  const recording = createRecordingLogger();
  // LAB_TEST_LOG=1 also prints the backend's log while a test runs.
  const printing = process.env['LAB_TEST_LOG'] ? createLogger((l) => process.stderr.write(l)) : null;
  const log: Logger = printing
    ? {
        info: (m, f) => (recording.info(m, f), printing.info(m, f)),
        warn: (m, f) => (recording.warn(m, f), printing.warn(m, f)),
        error: (m, f) => (recording.error(m, f), printing.error(m, f)),
      }
    : recording;
  const removeData = async () => {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  };
  let site: SiteServer;
  try {
    site = await startSiteServer(parsed.config, log);
  } catch (error) {
    await removeData();
    throw error;
  }
  return {
    site,
    url: site.url,
    origin: site.url,
    log: recording.lines,
    close: async () => {
      closeLabSockets();
      await site.close();
      await removeData();
    },
  };
}

/** A lab folder for tests that need their own terminals. */
export async function makeExamples(labs: Record<string, { manifest: unknown; files?: Record<string, string> }>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-examples-'));
  for (const [id, lab] of Object.entries(labs)) {
    await mkdir(path.join(dir, id));
    await writeFile(path.join(dir, id, 'lab.json'), JSON.stringify(lab.manifest));
    for (const [name, text] of Object.entries(lab.files ?? {})) await writeFile(path.join(dir, id, name), text);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function newLearnerCookie(lab: Pick<TestLab, 'url' | 'origin'>): Promise<string> {
  const response = await fetch(`${lab.url}/_lab/session`, { method: 'POST', headers: { origin: lab.origin } });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 204 || !cookie) throw new Error(`no learner cookie (${response.status})`);
  return cookie.split(';')[0] as string;
}

/**
 * Every socket a test opened, closed when its lab closes and, at the latest, when the test file ends: a socket left
 * open after a failed assertion would reconnect forever and keep the file's process from exiting.
 */
const openSockets = new Set<LabSocket>();
after(() => closeLabSockets());

export function closeLabSockets(): void {
  for (const socket of openSockets) socket.close();
  openSockets.clear();
}

export function labSocket(
  lab: Pick<TestLab, 'url' | 'origin'>,
  labId: string,
  cookie: string,
  extra: {
    onState?: (state: ConnectionState, detail?: string) => void;
    onError?: (code: ErrorCode, message: string) => void;
  } = {},
): LabSocket {
  const socket = new LabSocket({
    url: `${lab.url.replace(/^http/, 'ws')}/_lab/ws?lab=${labId}`,
    open: (url) => new WebSocket(url, { headers: { cookie, origin: lab.origin } } as unknown as string[]),
    backoff: () => 100,
    ...extra,
  });
  openSockets.add(socket);
  return socket;
}

/** Terminal text without escape sequences and carriage returns, for matching program output line by line. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\][^\x07]*\x07|\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[78=>]|\r/g, '');
}

/** Records one terminal's screen as text and its status changes; acknowledges output unless told not to. */
export class TerminalProbe implements TerminalEvents {
  text = '';
  status: TerminalStatus | null = null;
  exitCode: number | null = null;
  encoding: TerminalEncoding | null = null;
  attachedCount = 0;
  detachedReason: string | null = null;
  errors: { code: ErrorCode; message: string }[] = [];
  bytes = 0;
  autoAck = true;
  readonly #decoder = new TextDecoder();
  #execs = 0;
  readonly #waiters = new Waiters();
  #socket: LabSocket | null = null;
  readonly #size: [cols: number, rows: number];
  readonly id: string;

  /** Attaches to terminal `id` of `socket` at once, or, without a socket, once connect() is called. */
  constructor(socket: LabSocket | null, id: string, cols = 100, rows = 30) {
    this.id = id;
    this.#size = [cols, rows];
    if (socket) this.connect(socket);
  }

  /** Attaches to terminal `id` of `socket`: a probe a suite makes before its learner exists connects in `before`. */
  connect(socket: LabSocket): void {
    this.#socket = socket;
    socket.attach(this.id, this, ...this.#size);
  }

  /** The lab socket the probe is attached to. */
  protected get socket(): LabSocket {
    if (!this.#socket) throw new Error(`terminal ${this.id} is not connected yet: use it inside a test`);
    return this.#socket;
  }

  attached(info: { encoding: TerminalEncoding; status: TerminalStatus; exitCode: number | null }): void {
    this.text = '';
    this.attachedCount += 1;
    this.encoding = info.encoding;
    this.status = info.status;
    this.exitCode = info.exitCode;
    this.#waiters.notify();
  }
  output(bytes: Uint8Array): void {
    this.text += this.#decoder.decode(bytes, { stream: true });
    this.bytes += bytes.length;
    if (this.autoAck) this.socket.ack(this.id, bytes.length);
    this.#waiters.notify();
  }
  statusChanged(status: TerminalStatus, exitCode: number | null): void {
    this.status = status;
    this.exitCode = exitCode;
    this.#waiters.notify();
  }
  detached(reason: 'replaced' | 'workspace-ended'): void {
    this.detachedReason = reason;
    this.#waiters.notify();
  }
  error(code: ErrorCode, message: string): void {
    this.errors.push({ code, message });
    this.#waiters.notify();
  }

  /** Types like a learner: the text as input frames. */
  type(text: string): void {
    this.socket.input(this.id, text);
  }

  /** Waits until `predicate` holds, re-checking on every event. */
  until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    return this.#waiters.until(predicate, what, timeoutMs, () => `screen so far:\n${this.text.slice(-2000)}`);
  }

  /**
   * Types `command` at the prompt and waits for it to finish. The end marker is computed by the shell, so the echo
   * of the typed line cannot match it.
   */
  async exec(command: string, timeoutMs?: number): Promise<{ output: string; code: number }> {
    const n = ++this.#execs;
    const start = this.text.length;
    this.type(`${command}; echo "@@done-$((${n}+0))@@:$?"\r`);
    const marker = new RegExp(`@@done-${n}@@:(\\d+)`);
    await this.waitForText(marker, timeoutMs);
    const match = marker.exec(this.text) as RegExpExecArray;
    return { output: plain(this.text.slice(start, match.index)), code: Number(match[1]) };
  }

  waitForText(pattern: RegExp | string, timeoutMs?: number): Promise<void> {
    const test = () => (typeof pattern === 'string' ? this.text.includes(pattern) : pattern.test(this.text));
    return this.until(test, `output matching ${String(pattern)}`, timeoutMs);
  }

  waitForStatus(status: TerminalStatus, timeoutMs?: number): Promise<void> {
    return this.until(() => this.status === status, `status ${status}`, timeoutMs);
  }
}

/** Records one pane's events, as the page's pane would receive them. */
export class PaneProbe {
  readonly events: PaneEvent[] = [];
  readonly errors: { code: ErrorCode; message: string }[] = [];
  readonly #waiters = new Waiters();

  constructor(socket: LabSocket, id: string) {
    socket.listenPane(id, {
      event: (event) => {
        this.events.push(event);
        this.#waiters.notify();
      },
      error: (code, message) => {
        this.errors.push({ code, message });
        this.#waiters.notify();
      },
    });
  }

  /** Waits until `predicate` holds, re-checking on every event. */
  until(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    return this.#waiters.until(
      predicate,
      what,
      timeoutMs,
      () => `got ${JSON.stringify(this.events.map((e) => e.kind))}`,
    );
  }

  /** The first event of `kind` (waiting for it if need be). */
  async next<K extends PaneEvent['kind']>(kind: K, timeoutMs?: number): Promise<Extract<PaneEvent, { kind: K }>> {
    const find = () => this.events.find((e): e is Extract<PaneEvent, { kind: K }> => e.kind === kind);
    await this.until(() => find() !== undefined, `a ${kind} event`, timeoutMs);
    return find() as Extract<PaneEvent, { kind: K }>;
  }

  /** All bytes of events of `kind` (base64-decoded), in order. */
  bytes(kind: 'http-raw' | 'http-body'): Buffer {
    return Buffer.concat(this.events.flatMap((e) => (e.kind === kind ? [Buffer.from(e.data, 'base64')] : [])));
  }

  clear(): void {
    this.events.length = 0;
    this.errors.length = 0;
  }
}

/** Opens a wire pane's capture and waits until it listens. */
export async function openCapture(socket: LabSocket, pane = 'wire'): Promise<PaneProbe> {
  const probe = new PaneProbe(socket, pane);
  socket.sendCapture({ type: 'capture-open', pane });
  await probe.until(() => probe.events.some((e) => e.kind === 'capture-state' && e.state === 'on'), 'capture on');
  return probe;
}

/** Probes on terminals `ids` of one lab socket, returned once every shell waits at its prompt. */
export async function probesAtPrompt<const T extends readonly string[]>(
  socket: LabSocket,
  ids: T,
  cols?: number,
  rows?: number,
): Promise<{ [K in keyof T]: TerminalProbe }> {
  const probes = ids.map((id) => new TerminalProbe(socket, id, cols, rows));
  await Promise.all(probes.map((probe) => probe.waitForStatus('idle')));
  return probes as { [K in keyof T]: TerminalProbe };
}
