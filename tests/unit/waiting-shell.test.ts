/**
 * A shell started ahead (the sandbox pool's), on a real pty: it keeps what it printed until a terminal takes it, is
 * taken once, at the view's size, and one nobody takes is ended. The runtime here runs a plain program on the host;
 * tests/integration/sandbox-pool.test.ts takes one in a real sandbox.
 */
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRecordingLogger } from '../../server/src/log.ts';
import type { WorkspaceRuntime } from '../../server/src/sandbox/sandbox.ts';
import { WaitingShell } from '../../server/src/workspace/shells.ts';
import { eventually } from '../support/waiters.ts';

const SIZE = { cols: 100, rows: 30 };

/** A runtime whose "shell" is `script` for /bin/sh, on the host. */
function runtime(script: string): WorkspaceRuntime {
  const unused = () => {
    throw new Error('not used here');
  };
  return {
    shell: () => ({ file: '/bin/sh', args: ['-c', script], env: { PATH: '/usr/bin:/bin' }, cwd: '/' }),
    command: unused,
    adoptTerminal: () => {},
    connect: unused,
    captureSpec: unused,
    netnsPid: process.pid,
    ended: new Promise(() => {}),
    kill: async () => {},
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('WaitingShell', () => {
  let dir = '';
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'waiting-shell-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  /** Starts a shell that prints `ready`, writes its pid to a file, then echoes its input; resolves with its pid. */
  async function waiting(name: string): Promise<{ shell: WaitingShell; pid: number }> {
    const pidFile = path.join(dir, name);
    const shell = await WaitingShell.start(
      runtime(`echo ready; echo $$ > ${pidFile}; exec cat`),
      createRecordingLogger(),
    );
    assert.ok(shell, 'the shell started');
    await eventually(
      () =>
        access(pidFile).then(
          () => true,
          () => false,
        ),
      'the shell to start',
    );
    // Its output was written before the file: one more turn of the loop and the pty has been read.
    await new Promise((resolve) => setImmediate(resolve));
    return { shell, pid: Number(await readFile(pidFile, 'utf8')) };
  }

  test('is taken once, resized for its view, with what it printed while it waited', async () => {
    const { shell, pid } = await waiting('taken');
    assert.equal(shell.waiting, true);
    const taken = shell.take(SIZE);
    assert.ok(taken);
    assert.equal(taken.pty.pid, pid);
    assert.equal(Buffer.concat(taken.printed).toString('utf8'), 'ready\r\n');
    assert.deepEqual([taken.pty.cols, taken.pty.rows], [SIZE.cols, SIZE.rows]);
    assert.equal(shell.waiting, false);
    assert.equal(shell.take(SIZE), null, 'taken only once');
    // Still the taker's, and live: it echoes.
    const echoed = new Promise<void>((resolve) => {
      let text = '';
      taken.pty.onData((data) => {
        text += String(data);
        if (text.includes('hi')) resolve();
      });
    });
    taken.pty.write('hi\r');
    await echoed;
    shell.end();
    assert.ok(alive(pid), 'ending after the take leaves the taker’s shell alone');
    taken.pty.kill('SIGKILL');
  });

  test('is ready once the shell has printed its prompt', async () => {
    const shell = await WaitingShell.start(runtime('sleep 0.2; printf "$ "; exec cat'), createRecordingLogger());
    const taken = shell?.take(SIZE);
    assert.ok(taken);
    assert.equal(Buffer.concat(taken.printed).toString('utf8'), '$ ');
    taken.pty.kill('SIGKILL');
  });

  test('one nobody takes is ended, once, and cannot be taken after', async () => {
    const { shell, pid } = await waiting('ended');
    shell.end();
    shell.end();
    assert.equal(shell.waiting, false);
    assert.equal(shell.take(SIZE), null);
    await eventually(() => !alive(pid), 'the shell to be gone');
  });

  test('one that exits while waiting is not handed over', async () => {
    const shell = await WaitingShell.start(runtime('exit 0'), createRecordingLogger());
    assert.ok(shell);
    await eventually(() => !shell.waiting, 'the exit to be seen');
    assert.equal(shell.take(SIZE), null);
  });

  test('one that cannot start (its sandbox has ended) is null, with a warning', async () => {
    const log = createRecordingLogger();
    const ended = {
      ...runtime(''),
      shell: () => {
        throw new Error('the sandbox has ended');
      },
    };
    assert.equal(await WaitingShell.start(ended, log), null);
    assert.ok(log.lines.some((line) => line.message === 'could not start a shell ahead'));
  });

  test('one whose program cannot run exits, and is not handed over', async () => {
    const shell = await WaitingShell.start(
      { ...runtime(''), shell: () => ({ file: '/nonexistent/sh', args: [], env: {}, cwd: '/' }) },
      createRecordingLogger(),
    );
    assert.ok(shell);
    await eventually(() => !shell.waiting, 'the exit to be seen');
    assert.equal(shell.take(SIZE), null);
  });
});
