/**
 * The direct pty writer against real ptys: input goes to the kernel at once, what the kernel does not take waits in
 * node-pty's queue (where queuedInput() and the `busy` refusal see it), and nothing is ever reordered.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import * as pty from 'node-pty';
import { queuedInput } from '../../server/src/terminal/pty-input-queue.ts';
import { PtyWriter } from '../../server/src/terminal/pty-writer.ts';
import { FakePty } from '../support/fake-terminal.ts';
import { eventually } from '../support/waiters.ts';

/** `script` in a pty; its output collected as text. */
function program(script: string): { term: pty.IPty; output: () => string } {
  const term = pty.spawn('/bin/sh', ['-c', script], { name: 'xterm', cols: 80, rows: 24, env: {}, encoding: null });
  let output = '';
  term.onData((data) => (output += data.toString()));
  return { term, output: () => output };
}

describe('PtyWriter', () => {
  test('writes to the kernel at once, leaving nothing in node-pty’s queue', async (t) => {
    const { term, output } = program('stty -echo; echo ready; head -c 5; echo; echo done');
    t.after(() => term.kill('SIGKILL'));
    await eventually(() => output().includes('ready'), 'the program to set up its terminal');
    const writer = new PtyWriter(term);
    writer.write('he');
    writer.write(Buffer.from('llo\n'));
    assert.equal(queuedInput(term), 0, 'node-pty would still hold it, waiting for its thread pool');
    await eventually(() => output().includes('done'), 'the program to read its input');
    assert.match(output(), /hello\r?\n/);
  });

  test('input the program does not read waits in node-pty, and later input goes behind it, in order', async (t) => {
    const size = 300_000;
    // Raw mode passes bytes unchanged and unbounded by the line discipline; the program reads only after a while.
    const { term, output } = program(`stty raw -echo; echo ready; sleep 0.5; head -c ${size} | sha256sum`);
    t.after(() => term.kill('SIGKILL'));
    await eventually(() => output().includes('ready'), 'the program to set up its terminal');
    const writer = new PtyWriter(term);
    const first = Buffer.alloc(size - 10, 'a');
    writer.write(first);
    const waiting = queuedInput(term);
    assert.ok(
      waiting > 0 && waiting < first.length,
      `the kernel took part of it, node-pty holds the rest (${waiting})`,
    );
    writer.write('0123456789');
    assert.equal(queuedInput(term), waiting + 10, 'the later input queues behind, not past, the waiting input');
    const expected = createHash('sha256').update(first).update('0123456789').digest('hex');
    await eventually(() => output().includes(expected), 'the program to read everything', 10_000);
    assert.equal(queuedInput(term), 0);
  });

  test('without a file descriptor (not node-pty’s Unix terminal) it writes through the pty', () => {
    const fake = new FakePty(80, 24);
    new PtyWriter(fake).write('ls\r');
    assert.deepEqual(
      fake.written.map((b) => b.toString()),
      ['ls\r'],
    );
  });
});
