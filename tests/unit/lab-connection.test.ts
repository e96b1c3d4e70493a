/**
 * A lab connection over a real WebSocket, with a fake registry and workspace whose terminals run fake ptys: what the
 * page hears when a workspace ends, when another tab takes a terminal over, and when the page goes away.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { createRecordingLogger } from '../../server/src/log.ts';
import { labManifestSchema } from '#protocol/lab-manifest.ts';
import { encodeInputFrame } from '#protocol/frames.ts';
import { CLOSE_CODES, type ServerMessage } from '#protocol/messages.ts';
import type { TerminalSessionOptions } from '../../server/src/terminal/session-contract.ts';
import type { LabWorkspace, LabWorkspaces } from '../../server/src/ws/connection-context.ts';
import { LabConnection } from '../../server/src/ws/lab-connection.ts';
import type { FileHelper } from '../../server/src/workspace/file-helper.ts';
import { WorkspaceFiles } from '../../server/src/workspace/workspace-files.ts';
import { WorkspaceCaptures } from '../../server/src/capture/workspace-captures.ts';
import { fakeTerminal } from '../support/fake-terminal.ts';
import { openRawUrl, type RawSocket } from '../support/raw-socket.ts';
import { eventually } from '../support/waiters.ts';

const IDS = ['t1', 't2', 't3'] as const;
const lab = {
  id: '01-unit',
  dir: '/nonexistent',
  manifest: labManifestSchema.parse({
    terminals: IDS.map((id) => ({ id, title: { 'zh-CN': id, en: id } })),
  }),
};

/** A workspace of three fake terminals, leased by a registry that counts its leases. */
function fakeWorkspace(options: Partial<TerminalSessionOptions> = {}) {
  const terminals = IDS.map((id, channel) => fakeTerminal({ id, channel, ...options }));
  let end = () => {};
  const ended = new Promise<void>((resolve) => (end = resolve));
  const workspace: LabWorkspace = {
    ended,
    terminal: (id) => terminals.find((t) => t.session.id === id)?.session,
    connect: () => {
      throw new Error('this lab has no panes');
    },
    checks: { states: () => [], subscribe: () => () => {} },
    files: new WorkspaceFiles({
      home: '/nonexistent',
      originals: new Map(),
      helper: (async () => {
        throw new Error('this workspace has no files');
      }) as FileHelper,
      saveWork: async () => {},
      log: createRecordingLogger(),
    }),
    captures: new WorkspaceCaptures(() => {
      throw new Error('this lab has no loopback');
    }, createRecordingLogger()),
  };
  const closeTerminals = () => Promise.all(terminals.map((t) => t.session.close()));
  const leases = { taken: 0, released: 0 };
  let ready: Promise<unknown> = Promise.resolve();
  const registry: LabWorkspaces = {
    acquire: async () => {
      await ready;
      leases.taken += 1;
      return { workspace, release: () => (leases.released += 1) };
    },
    // As the registry reaps: every terminal hangs up, then the workspace has ended.
    resetFiles: async () => {
      await closeTerminals();
      end();
    },
  };
  return {
    terminals,
    registry,
    leases,
    closeTerminals,
    end,
    /** Holds every acquire until `gate` settles. */
    holdAcquire: (gate: Promise<unknown>) => (ready = gate),
  };
}

const attachMessage = (terminal: string) => JSON.stringify({ type: 'attach', terminal, cols: 80, rows: 24 });
const detachedOf = (raw: RawSocket) =>
  raw.messages.flatMap((m: ServerMessage) => (m.type === 'detached' ? [`${m.terminal} ${m.reason}`] : []));

describe('LabConnection', () => {
  let server: WebSocketServer;
  let url: string;
  let workspace: ReturnType<typeof fakeWorkspace>;
  const log = createRecordingLogger();

  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    server.on('connection', (ws: WebSocket) => {
      new LabConnection(ws, {
        learnerId: 'learner',
        lab,
        registry: workspace.registry,
        heartbeatMs: 60_000,
        maxPayload: 64 * 1024,
        browser: { userAgent: 'test', acceptLanguage: 'en', origin: 'null' },
        log,
      });
    });
  });

  after(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A page with `terminals` attached. */
  async function page(...terminals: string[]): Promise<RawSocket> {
    const raw = await openRawUrl(url);
    for (const terminal of terminals) {
      raw.ws.send(attachMessage(terminal));
      await raw.next((m) => m.type === 'attached' && m.terminal === terminal, `${terminal} attached`);
    }
    return raw;
  }

  test('a workspace reaped under the page: one detached for each attached terminal, then the close 4001', async () => {
    workspace = fakeWorkspace();
    const raw = await page('t1', 't2');
    raw.ws.send('{"type":"reset-files"}');
    assert.equal((await raw.closed).code, CLOSE_CODES.workspaceEnded);
    assert.deepEqual(detachedOf(raw), ['t1 workspace-ended', 't2 workspace-ended']);
    assert.deepEqual(workspace.leases, { taken: 1, released: 1 });
  });

  test('a workspace whose sandbox died (ended before its terminals close): the same, once', async () => {
    workspace = fakeWorkspace();
    const raw = await page('t1', 't3');
    workspace.end();
    await raw.closed;
    await workspace.closeTerminals();
    assert.deepEqual(detachedOf(raw), ['t1 workspace-ended', 't3 workspace-ended']);
    assert.deepEqual(workspace.leases, { taken: 1, released: 1 });
  });

  test('attaching a terminal whose workspace has just ended ends the connection the same way', async () => {
    workspace = fakeWorkspace();
    const raw = await page('t1');
    await workspace.terminals[1]?.session.close();
    raw.ws.send(attachMessage('t2'));
    assert.equal((await raw.closed).code, CLOSE_CODES.workspaceEnded);
    assert.deepEqual(detachedOf(raw), ['t1 workspace-ended', 't2 workspace-ended']);
  });

  test('another tab takes a terminal over: the first page is told once and its keys no longer reach it', async () => {
    workspace = fakeWorkspace();
    const tab1 = await page('t1', 't2');
    const tab2 = await page('t1');
    const told = await tab1.next((m) => m.type === 'detached', 'the first tab to be told');
    assert.deepEqual(told, { type: 'detached', terminal: 't1', reason: 'replaced' });
    assert.deepEqual(detachedOf(tab1), [], 'told once');
    tab1.ws.send(encodeInputFrame(0, 'ls\r'));
    const refused = await tab1.next((m) => m.type === 'error', 'input to be refused');
    assert.equal(refused.type === 'error' && refused.code, 'not-attached');
    tab1.ws.send(encodeInputFrame(1, 'pwd\r'));
    tab2.ws.send(encodeInputFrame(0, 'id\r'));
    const [t1, t2] = workspace.terminals;
    await eventually(
      () => t1?.pty().typed() === 'id\r' && t2?.pty().typed() === 'pwd\r',
      'each key to reach its shell',
    );
    tab1.ws.close();
    tab2.ws.close();
    await Promise.all([tab1.closed, tab2.closed]);
  });

  test('attaching again on the same page is quiet: no detached, the screen drawn anew', async () => {
    workspace = fakeWorkspace();
    const raw = await page('t1', 't1');
    raw.ws.send(encodeInputFrame(0, 'x'));
    await eventually(() => workspace.terminals[0]?.pty().typed() === 'x', 'the key to reach the shell once');
    assert.deepEqual(detachedOf(raw), []);
    raw.ws.close();
    await raw.closed;
  });

  test('a page that goes away lets its terminals and its lease go', async () => {
    workspace = fakeWorkspace();
    const raw = await page('t1', 't2');
    raw.ws.close();
    await raw.closed;
    await eventually(() => workspace.leases.released === 1, 'the lease to be returned');
    assert.ok(workspace.terminals.every((t) => !t.session.attached));
  });

  test('too many messages before the workspace is ready close the socket; the late lease is returned', async () => {
    workspace = fakeWorkspace();
    let ready = () => {};
    workspace.holdAcquire(new Promise<void>((resolve) => (ready = resolve)));
    const raw = await openRawUrl(url);
    for (let i = 0; i <= 64; i++) raw.ws.send(attachMessage('t1'));
    assert.equal((await raw.closed).code, CLOSE_CODES.tooManyPending);
    ready();
    await eventually(() => workspace.leases.released === 1, 'the lease to be returned');
    assert.ok(
      workspace.terminals.every((t) => t.ptys.length === 0),
      'no terminal was started',
    );
  });

  test('a fault of the backend is reported to the page as internal and logged; the connection keeps serving', async () => {
    workspace = fakeWorkspace({ endSession: () => Promise.reject(new Error('could not signal')) });
    const raw = await page('t3');
    raw.ws.send('{"type":"restart","terminal":"t3"}');
    const error = await raw.next((m) => m.type === 'error', 'an error');
    assert.deepEqual(error.type === 'error' && [error.code, error.terminal], ['internal', 't3']);
    assert.ok(log.lines.some((l) => l.level === 'error' && l.fields['error'] === 'Error: could not signal'));
    raw.ws.send(attachMessage('t1'));
    await raw.next((m) => m.type === 'attached' && m.terminal === 't1', 't1 attached');
    raw.ws.close();
    await raw.closed;
  });
});
