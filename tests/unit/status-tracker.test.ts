import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TerminalStatus } from '#protocol/messages.ts';
import { StatusTracker } from '../../server/src/terminal/status-tracker.ts';
import { MARKS } from '../support/fake-terminal.ts';

function tracker() {
  const changes: string[] = [];
  const status = new StatusTracker((s: TerminalStatus, code: number | null) => changes.push(`${s} ${code}`));
  const scan = (...chunks: string[]) => {
    for (const chunk of chunks) status.scan(Buffer.from(chunk, 'latin1'));
  };
  return { status, changes, scan };
}

describe('StatusTracker', () => {
  test('a shell starts as starting and is idle at its first prompt, with no exit status yet', () => {
    const { status, changes, scan } = tracker();
    assert.equal(status.status, 'starting');
    scan(`welcome\r\n${MARKS.prompt}`);
    assert.deepEqual(changes, ['idle null']);
    assert.equal(status.status, 'idle');
    assert.equal(status.exitCode, null);
  });

  test('a command runs from its start mark; the next prompt is idle with its exit status', () => {
    const { status, changes, scan } = tracker();
    scan(MARKS.prompt, `false\r\n${MARKS.commandStart}`);
    assert.equal(status.status, 'running');
    scan(`${MARKS.commandEnd(1)}${MARKS.prompt}`);
    assert.deepEqual(changes, ['idle null', 'running null', 'idle 1']);
    assert.equal(status.exitCode, 1);
  });

  test('marks split across reads still count', () => {
    const { changes, scan } = tracker();
    const chunk = `${MARKS.commandStart}${MARKS.commandEnd(130)}${MARKS.prompt}`;
    scan(chunk.slice(0, 5), chunk.slice(5, 13), chunk.slice(13));
    assert.deepEqual(changes, ['running null', 'idle 130']);
  });

  test('an end mark with no command started leaves the last exit status alone', () => {
    const { status, scan } = tracker();
    scan(MARKS.commandStart, MARKS.commandEnd(2), MARKS.prompt);
    scan(MARKS.commandEnd(0), MARKS.prompt);
    assert.equal(status.exitCode, 2);
  });

  test('a shell that exits is reported with its status; reset forgets everything of the old shell, silently', () => {
    const { status, changes, scan } = tracker();
    scan(MARKS.commandStart, MARKS.commandEnd(4), MARKS.prompt);
    status.exited(3);
    assert.deepEqual(changes.at(-1), 'exited 3');
    const reported = changes.length;
    status.reset();
    assert.equal(status.status, 'starting');
    assert.equal(status.exitCode, null);
    assert.equal(changes.length, reported);
    // A command-end carried over from the old shell's unfinished mark or its running command counts no more.
    scan(MARKS.commandEnd(9), MARKS.prompt);
    assert.equal(status.exitCode, null);
  });
});
