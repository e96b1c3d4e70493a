/**
 * Terminals ending together (their workspace closes) share their looks for processes, with real sessions: each a
 * shell that leads its own session (as nsenter does for a terminal) and waits for a `sleep` it started.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { endSessionsTogether, settlesWithin, type ProcessScope } from '../../server/src/sandbox/processes.ts';
import { alive } from '../support/host-processes.ts';
import { eventually } from '../support/waiters.ts';

interface Session {
  leader: ChildProcess & { pid: number };
  gone: Promise<void>;
  member: number;
}

const started: Session[] = [];
after(() => {
  for (const { leader, member } of started) {
    for (const pid of [member, leader.pid]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

/** A session whose leader exits once its member does; `member` is the command the member runs. */
async function session(member = 'exec sleep 300'): Promise<Session> {
  const leader = spawn('/bin/sh', ['-c', `(${member}) & wait`], { detached: true, stdio: 'ignore' });
  if (leader.pid === undefined) throw new Error('no shell');
  const gone = new Promise<void>((resolve) => leader.once('exit', () => resolve()));
  const children = `/proc/${leader.pid}/task/${leader.pid}/children`;
  let pid = 0;
  await eventually(() => (pid = Number(readFileSync(children, 'latin1').trim())) > 0, 'the member to start');
  const made = { leader: leader as Session['leader'], gone, member: pid };
  started.push(made);
  return made;
}

/** A scope of every process of the machine, counting how often it is looked at. */
function countedScope(): { scope: NonNullable<ProcessScope>; looks: () => number } {
  let looks = 0;
  const scope = () => {
    looks += 1;
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  };
  return { scope, looks: () => looks };
}

describe('ending terminal sessions together', () => {
  test('hangs up every session asked for in one turn with two looks in all, and nothing else', async () => {
    const [a, b, neighbour] = await Promise.all([session(), session(), session()]);
    const { scope, looks } = countedScope();
    const end = endSessionsTogether(5000, scope);
    await Promise.all([a, b].map((s) => end(s.leader.pid, s.gone)));
    for (const s of [a, b]) assert.ok(!alive(s.member) && s.leader.exitCode !== null, 'the session is over');
    // One look to hang up, one to see nothing is left: not one or more per terminal.
    assert.equal(looks(), 2);
    assert.ok(alive(neighbour.member) && alive(neighbour.leader.pid), 'a session not asked for is not touched');
  });

  test('a program that ignores the hangup is killed once the grace is over', async () => {
    const stubborn = await session(`trap '' HUP; exec sleep 301`);
    const { scope } = countedScope();
    await endSessionsTogether(300, scope)(stubborn.leader.pid, stubborn.gone);
    assert.ok(!alive(stubborn.member), 'the program is gone');
    await stubborn.gone;
  });

  test('a leader not yet in the scope (it joins its cgroup as its first step) is ended all the same', async () => {
    const early = await session();
    await endSessionsTogether(200, () => [])(early.leader.pid, early.gone);
    assert.ok(await settlesWithin(early.gone, 5000), 'the leader is gone');
    assert.equal(early.leader.signalCode, 'SIGKILL');
  });

  test('an end asked for after the others had their look is a batch of its own', async () => {
    const [first, late] = await Promise.all([session(), session()]);
    const { scope, looks } = countedScope();
    const end = endSessionsTogether(5000, scope);
    await end(first.leader.pid, first.gone);
    await end(late.leader.pid, late.gone);
    assert.ok(!alive(late.member) && late.leader.exitCode !== null, 'the later session is over too');
    // Its hangup may share the first batch's look, a few milliseconds old; what is left it looks for afresh.
    assert.ok(looks() >= 3 && looks() <= 4, `${looks()} looks`);
  });
});
