/**
 * How workspaces end: reaped after the idle timeout, replaced when a learner opens too many, rebuilt when a learner
 * kills their own sandbox, all gone at shutdown; and whatever ended them, nothing is left behind.
 */
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { FIXTURE_LAB, startFixtureLab } from '../support/fixture-lab.ts';
import {
  labSocket,
  makeExamples,
  newLearnerCookie,
  startTestLab,
  TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';
import { processesOf } from '../support/host-processes.ts';
import { socketUrl, upgradeStatus } from '../support/raw-socket.ts';
import { eventually } from '../support/waiters.ts';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

const openFds = async () => (await readdir('/proc/self/fd')).length;

describe('workspace lifecycle', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const startLab = async (options: string[]): Promise<TestLab> => {
    const lab = await startFixtureLab(options);
    cleanups.push(() => lab.close());
    return lab;
  };
  const track = (socket: LabSocket) => {
    cleanups.push(() => socket.close());
    return socket;
  };

  test('an idle workspace is reaped: its processes, files and descriptors are all gone', async () => {
    // Its own uid range, so that other labs of this file cannot be mistaken for its leftovers.
    const lab = await startLab(['--idle-timeout', '1', '--sandbox-uid-base', '210000']);
    const fdsBefore = await openFds();
    const socket = track(labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab)));
    const t1 = new TerminalProbe(socket, 't1');
    const t2 = new TerminalProbe(socket, 't2');
    await t1.waitForStatus('idle');
    await t2.waitForStatus('idle');
    // A server in the foreground, a job in the background, one that left its session, and one that ignores SIGHUP.
    t2.type('sleep 1000 & setsid sleep 1001 & (trap "" HUP; exec sleep 1002) &\r');
    socket.run('t1', 0);
    await t1.waitForText('server listening');
    const uid = Number(/\d+/.exec((await t2.exec('id -u')).output.split('\n')[1] ?? '')?.[0]);
    const root = process.getuid?.() === 0;
    if (root) assert.ok((await processesOf(uid)).length >= 6, 'the workspace is running');
    const homes = await readdir(lab.site.lab.workspacesDir);
    assert.equal(homes.length, 1);

    socket.close();
    await eventually(() => lab.site.lab.registry.size === 0, 'the workspace to be reaped');
    await eventually(
      async () => !(await exists(`${lab.site.lab.workspacesDir}/${homes[0]}`)),
      'its files to be removed',
    );
    if (root) await eventually(async () => (await processesOf(uid)).length === 0, 'all its processes to be gone');
    assert.ok(lab.log.some((l) => l.message === 'workspace reaped' && l.fields['why'] === 'idle'));
    await eventually(async () => (await openFds()) <= fdsBefore, `open descriptors back to ${fdsBefore}`);
  });

  test("a learner's oldest idle workspace makes room for a new lesson; two busy ones are a limit", async () => {
    const examples = await makeExamples({
      '01-one': { manifest: { terminals: [{ id: 't1', title: { 'zh-CN': '一', en: 'one' } }] } },
      '02-two': { manifest: { terminals: [{ id: 't1', title: { 'zh-CN': '二', en: 'two' } }] } },
    });
    cleanups.push(() => examples.remove());
    const lab = await startTestLab([
      '--examples-dir',
      examples.dir,
      '--max-workspaces-per-learner',
      '1',
      '--max-workspaces',
      '2',
    ]);
    cleanups.push(() => lab.close());
    const cookie = await newLearnerCookie(lab);
    const one = track(labSocket(lab, '01-one', cookie));
    await new TerminalProbe(one, 't1').waitForStatus('idle');
    assert.equal(await upgradeStatus(socketUrl(lab, '02-two'), { cookie, origin: lab.origin }), 429);
    one.close();
    await eventually(
      async () => (await upgradeStatus(socketUrl(lab, '02-two'), { cookie, origin: lab.origin })) === 101,
      'the idle workspace to make room',
    );
    await eventually(() => lab.log.some((l) => l.fields['why'] === 'the learner opened another lesson'), 'the log');

    const two = track(labSocket(lab, '02-two', cookie));
    await new TerminalProbe(two, 't1').waitForStatus('idle');
    const other = track(labSocket(lab, '01-one', await newLearnerCookie(lab)));
    await new TerminalProbe(other, 't1').waitForStatus('idle');
    assert.equal(
      await upgradeStatus(socketUrl(lab, '01-one'), { cookie: await newLearnerCookie(lab), origin: lab.origin }),
      503,
      'the whole lab is full',
    );
  });

  test('a learner who kills their own sandbox gets a fresh workspace back, with their files', async () => {
    const lab = await startLab([]);
    const socket = track(labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab)));
    const t3 = new TerminalProbe(socket, 't3');
    await t3.waitForStatus('idle');
    await t3.exec('rm echo_server.py && echo marker > mine.txt');
    t3.type('kill -9 -1\r');
    await t3.until(() => t3.detachedReason === 'workspace-ended', 'the terminal to hear its workspace ended');
    await t3.until(() => t3.attachedCount >= 2 && t3.status === 'idle', 'a fresh workspace to attach');
    // New processes, the same work: what the dead sandbox left in its home was saved before it was removed.
    const files = await t3.exec('ls; cat mine.txt');
    assert.doesNotMatch(files.output, /echo_server\.py/);
    assert.match(files.output, /^marker$/m);
  });

  test('a peer that stops answering pings is dropped', async () => {
    const lab = await startLab(['--heartbeat', '1']);
    const cookie = await newLearnerCookie(lab);
    const ws = new WebSocket(socketUrl(lab, FIXTURE_LAB), { headers: { cookie, origin: lab.origin }, autoPong: false });
    ws.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const started = Date.now();
    assert.equal(await closed, 1006);
    assert.ok(Date.now() - started >= 1000, 'not before a heartbeat interval');
    assert.ok(lab.log.some((l) => l.message === 'dropping a silent connection'));
  });

  test('shutdown ends every workspace and removes the data directory', async () => {
    const lab = await startFixtureLab(['--sandbox-uid-base', '220000']);
    const socket = labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab));
    const t1 = new TerminalProbe(socket, 't1');
    await t1.waitForStatus('idle');
    socket.run('t1', 0);
    await t1.waitForText('server listening');
    const t3 = new TerminalProbe(socket, 't3');
    await t3.waitForStatus('idle');
    const uid = Number(/\d+/.exec((await t3.exec('id -u')).output.split('\n')[1] ?? ''));
    await lab.close();
    socket.close();
    assert.equal(await exists(lab.site.lab.scratchDir), false);
    if (process.getuid?.() === 0) await eventually(async () => (await processesOf(uid)).length === 0, 'no processes');
  });

  test('--unsafe-no-sandbox only listens on loopback and says so loudly', async () => {
    await assert.rejects(startTestLab(['--unsafe-no-sandbox', '--host', '0.0.0.0']), /loopback/);
    const lab = await startLab(['--unsafe-no-sandbox']);
    assert.ok(lab.log.some((l) => l.level === 'warn' && /UNSANDBOXED/.test(l.message)));
    const socket = track(labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab)));
    const t3 = new TerminalProbe(socket, 't3');
    await t3.waitForStatus('idle');
    assert.match((await t3.exec('echo plain $((3 * 3))')).output, /plain 9/);
  });
});
