/**
 * The one read of node-pty's private write queue, checked against a real pty: if a node-pty release moves or renames
 * it, these fail here instead of the input limit silently never applying.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as pty from 'node-pty';
import { queuedInput } from '../../server/src/terminal/pty-input-queue.ts';
import { FakePty } from '../support/fake-terminal.ts';
import { eventually } from '../support/waiters.ts';

function program(file: string, args: string[]): pty.IPty {
  return pty.spawn(file, args, { name: 'xterm', cols: 80, rows: 24, env: {}, encoding: null });
}

describe('queuedInput', () => {
  test('counts input a program does not read, as node-pty holds it', async (t) => {
    const sleeper = program('/bin/sleep', ['30']);
    t.after(() => sleeper.kill('SIGKILL'));
    assert.equal(queuedInput(sleeper), 0, 'nothing written yet');
    const input = Buffer.alloc(1_000_000, 0x78);
    sleeper.write(input);
    // node-pty writes asynchronously, so all of it is still queued here; the kernel takes its part later.
    assert.equal(queuedInput(sleeper), input.length);
    // Once the kernel's buffer has taken its part, what is left is counted from the write's offset.
    await eventually(() => queuedInput(sleeper) < input.length, 'the kernel to take some of the input');
    assert.ok(queuedInput(sleeper) > 0, 'the kernel holds far less than a megabyte for a program that does not read');
  });

  test('says 0 for a pty without node-pty’s write stream', () => {
    assert.equal(queuedInput(new FakePty(80, 24)), 0);
  });
});
