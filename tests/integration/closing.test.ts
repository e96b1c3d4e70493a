/**
 * Closing a workspace ends every process of it, however it was started (a background job, a double-forked daemon
 * that left the terminal's session, a fork loop), and nothing else: not a neighbour's, not the host's. With cgroups
 * the terminals' processes are found through the workspace's cgroup; with --no-limits by scanning /proc.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import { FIXTURE_LAB, startFixtureLab } from '../support/fixture-lab.ts';
import { alive, processesOf, uidOf } from '../support/host-processes.ts';
import { labSocket, newLearnerCookie, probesAtPrompt } from '../support/lab-harness.ts';
import { eventually } from '../support/waiters.ts';

describe('closing a workspace', { skip: process.getuid?.() !== 0 && 'needs root: a workspace per uid' }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const track = (socket: LabSocket) => {
    cleanups.push(() => socket.close());
    return socket;
  };

  const modes = [
    { name: 'with cgroups', options: [], uidBase: '220000' },
    { name: 'with --no-limits', options: ['--no-limits'], uidBase: '221000' },
  ];
  for (const { name, options, uidBase } of modes) {
    test(`ends all its processes and nothing else (${name})`, async () => {
      const lab = await startFixtureLab(['--idle-timeout', '1', '--sandbox-uid-base', uidBase, ...options]);
      cleanups.push(() => lab.close());
      const host = spawn('/usr/bin/sleep', ['600'], { stdio: 'ignore' });
      cleanups.push(() => void host.kill());
      const closing = labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab));
      const staying = track(labSocket(lab, FIXTURE_LAB, await newLearnerCookie(lab)));
      const [job, loop] = await probesAtPrompt(closing, ['t1', 't2']);
      const [neighbour] = await probesAtPrompt(staying, ['t1']);
      const uid = await uidOf(job);
      const neighbourUid = await uidOf(neighbour);

      // A background job, and a daemon that forks twice and leaves the terminal's session.
      job.type(`sleep 1001 & (setsid sh -c 'sleep 1002 & exec sleep 1003' &)\r`);
      loop.type('(while :; do sleep 1004 & done) &\r');
      neighbour.type('sleep 1005 &\r');
      await eventually(async () => (await processesOf(uid)).length > 40, 'the fork loop to get going');
      await eventually(async () => (await processesOf(neighbourUid)).length >= 4, "the neighbour's sleep");
      const neighbours = await processesOf(neighbourUid);

      closing.close();
      await eventually(() => lab.site.lab.registry.size === 1, 'the workspace to be reaped');
      await eventually(async () => (await processesOf(uid)).length === 0, 'every process of it to be gone');
      assert.deepEqual(
        neighbours.filter((pid) => !alive(pid)),
        [],
        "the neighbour's processes all run",
      );
      assert.ok(alive(host.pid as number), 'the host process runs');
      assert.match((await neighbour.exec('jobs')).output, /sleep 1005/);
    });
  }
});
