import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WorkspaceChecks } from '../../server/src/checks/workspace-checks.ts';
import type { TcpSocket } from '../../server/src/checks/socket-table.ts';
import { createRecordingLogger } from '../../server/src/log.ts';
import { checksSchema, type CheckState } from '#protocol/checks.ts';
import { eventually, letTimePass } from '../support/waiters.ts';

const words = (en: string) => ({ 'zh-CN': en, en });
const CHECKS = checksSchema.parse([
  { id: 'listen', title: words('listen'), hint: words('h'), when: [{ kind: 'listening', port: 2333 }] },
  {
    id: 'said',
    title: words('said'),
    hint: words('h'),
    when: [{ kind: 'output', terminal: 't1', pattern: '收到: HI' }],
  },
  { id: 'file', title: words('file'), hint: words('h'), when: [{ kind: 'file', path: 's.py', pattern: 'upper' }] },
  {
    id: 'changed-and-run',
    title: words('changed and run'),
    hint: words('h'),
    when: [
      { kind: 'file', path: 's.py', pattern: 'upper' },
      { kind: 'output', terminal: 't1', pattern: 'UPPER' },
    ],
  },
]);
const LISTENER: TcpSocket = {
  localAddress: '127.0.0.1',
  localPort: 2333,
  remoteAddress: '0.0.0.0',
  remotePort: 0,
  state: 'listen',
  inode: 7,
};

function setUp(stored = new Map<string, number>()) {
  const world = { sockets: [] as TcpSocket[], file: 'print(message)', reads: 0, passes: [] as string[] };
  const checks = new WorkspaceChecks({
    checks: CHECKS,
    learnerId: 'L1',
    labId: '01-a',
    store: { passed: () => new Map(stored), pass: (_l, _lab, id) => void world.passes.push(id) },
    sockets: async () => world.sockets,
    connect: () => {
      throw new Error('no probes here');
    },
    changedFiles: () => false,
    readFile: async () => {
      world.reads += 1;
      return world.file;
    },
    log: createRecordingLogger(),
  });
  const heard: CheckState[] = [];
  checks.subscribe((state) => heard.push(state));
  const passed = (id: string) => checks.states().find((s) => s.id === id)?.passedAt != null;
  return { checks, world, heard, passed };
}

const scan = (stamp: string, changedMs = 0) => new Map([['s.py', { size: 1, mode: 0o644, stamp, changedMs }]]);

describe('a workspace’s checks', () => {
  test('nothing is looked at while no page is attached', async () => {
    const { checks, world, passed } = setUp();
    world.sockets = [LISTENER];
    checks.output('t1', Buffer.from('收到: HI\n'));
    checks.scanned(scan('1'));
    checks.statusChanged();
    await letTimePass(1500);
    assert.equal(checks.evaluations, 0);
    assert.equal(world.reads, 0);
    assert.ok(!passed('listen') && !passed('said'));
    checks.close();
  });

  test('while attached, each check passes from what happens, is recorded and heard once, and stays passed', async () => {
    const { checks, world, heard, passed } = setUp();
    checks.setActive(true);
    checks.output('t1', Buffer.from('收到: hi\n'));
    checks.scanned(scan('1'));
    await letTimePass(1200);
    assert.ok(checks.evaluations > 0);
    assert.deepEqual(
      checks.states().map((s) => s.passedAt),
      [null, null, null, null],
      'a lower-case answer, no listener, an unchanged file',
    );

    world.sockets = [LISTENER];
    checks.output('t1', Buffer.from('收到: '));
    checks.output('t1', Buffer.from('HI\n'));
    world.file = 'print(message.upper())';
    checks.scanned(scan('2'));
    await eventually(() => passed('listen') && passed('said') && passed('file'), 'every check to pass');
    assert.deepEqual(world.passes.sort(), ['file', 'listen', 'said']);
    assert.deepEqual(heard.map((h) => h.id).sort(), ['file', 'listen', 'said']);

    world.sockets = [];
    world.file = 'print(message)';
    checks.scanned(scan('3'));
    await letTimePass(1200);
    assert.ok(passed('listen') && passed('file'), 'a passed check is not un-passed');
    assert.equal(heard.length, 3);
    checks.close();
  });

  test('output from before the file was changed does not pass a check that needs both', async () => {
    const { checks, world, passed } = setUp();
    checks.setActive(true);
    checks.output('t1', Buffer.from('UPPER, from the program as it was\n'));
    await letTimePass(300); // the file is changed a moment later
    world.file = 'print(message.upper())';
    checks.scanned(scan('2', Date.now()));
    await eventually(() => passed('file'), 'the file check');
    await letTimePass(400);
    assert.ok(!passed('changed-and-run'), 'the output came before the change');
    checks.output('t1', Buffer.from('UPPER, from the changed program\n'));
    await eventually(() => passed('changed-and-run'), 'the check, once the changed program printed it');
    checks.close();
  });

  test('checks passed before start passed, and are not looked at again', async () => {
    const { checks, world } = setUp(
      new Map([
        ['file', 42],
        ['changed-and-run', 43],
      ]),
    );
    assert.equal(checks.states().find((s) => s.id === 'file')?.passedAt, 42);
    checks.setActive(true);
    checks.scanned(scan('9'));
    await letTimePass(300);
    assert.equal(world.reads, 0);
    checks.close();
  });

  test('leaving stops the looking: the count of evaluations stays flat', async () => {
    const { checks } = setUp();
    checks.setActive(true);
    await eventually(() => checks.evaluations > 0, 'a first look at the sockets');
    checks.setActive(false);
    const before = checks.evaluations;
    checks.output('t1', Buffer.from('收到: HI\n'));
    await letTimePass(1500);
    assert.equal(checks.evaluations, before);
    checks.close();
  });
});
