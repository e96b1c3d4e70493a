/**
 * A terminal session driven through its spawn seam with a fake pty: what a view is sent and when, Run, Restart,
 * take-over, notices, encodings, flow control and close. tests/integration/terminals.test.ts does the same with real
 * shells in the sandbox.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { FLOW_CONTROL } from '#protocol/limits.ts';
import { SessionError } from '../../server/src/terminal/session-contract.ts';
import { FakePty, fakeTerminal, MARKS, nextTurn, RecordingSink } from '../support/fake-terminal.ts';

const SIZE = { cols: 100, rows: 30 };

/** A session with a view attached and its shell at the prompt. */
async function atPrompt() {
  const terminal = fakeTerminal();
  const sink = new RecordingSink();
  terminal.session.attach(sink, SIZE);
  terminal.pty().print(`hello\r\n${MARKS.prompt}`);
  await nextTurn();
  return { ...terminal, sink };
}

describe('TerminalSession shows its terminal', () => {
  test('the first attach starts the shell at the view’s size and draws the screen; output follows on the channel', async () => {
    const { session, ptys, pty } = fakeTerminal();
    const sink = new RecordingSink();
    session.attach(sink, SIZE);
    assert.equal(ptys.length, 1);
    assert.deepEqual([pty().cols, pty().rows], [100, 30]);
    assert.equal(session.pid, pty().pid);
    assert.equal(session.attached, true);
    assert.deepEqual(sink.messages, [
      { type: 'attached', terminal: 't1', channel: 3, encoding: 'utf-8', status: 'starting', exitCode: null },
    ]);
    pty().print('hi\r\n');
    await nextTurn();
    assert.equal(sink.frames[0]?.[0], 3);
    assert.equal(sink.text(), 'hi\r\n');
  });

  test('a shell started ahead is shown with what it printed while it waited, its prompt read like any output', async () => {
    const ahead = new FakePty(80, 24);
    const { session, ptys } = fakeTerminal({
      spawn: () => ({ pty: ahead, printed: [Buffer.from(`welcome\r\n`), Buffer.from(MARKS.prompt)] }),
    });
    const sink = new RecordingSink();
    session.attach(sink, SIZE);
    await nextTurn();
    assert.equal(ptys.length, 0, 'no shell was started');
    assert.equal(session.pid, ahead.pid);
    assert.equal(sink.text(), `welcome\r\n${MARKS.prompt}`);
    assert.equal(sink.status(), 'idle');
    session.input(Buffer.from('ls'));
    assert.equal(ahead.typed(), 'ls');
  });

  test('a status change is sent behind the output that came before it', async () => {
    const { sink } = await atPrompt();
    assert.deepEqual(sink.order, ['attached', 'frame', 'status']);
    assert.equal(sink.status(), 'idle');
  });

  test('a reattached view gets the recent output again, and only once', async () => {
    const { session, pty, sink } = await atPrompt();
    pty().print('more');
    session.detach(sink);
    assert.equal(session.attached, false);
    const again = new RecordingSink();
    session.attach(again, SIZE);
    await nextTurn();
    assert.equal(again.messages[0]?.type === 'attached' && again.messages[0].status, 'idle');
    assert.equal(again.text(), `hello\r\n${MARKS.prompt}more`);
    assert.equal(sink.text(), `hello\r\n${MARKS.prompt}`, 'the detached view got nothing more');
  });

  test('another view takes the terminal over; the first is told once and gets nothing more', async () => {
    const { session, pty, sink } = await atPrompt();
    const tab2 = new RecordingSink();
    session.attach(tab2, SIZE);
    assert.deepEqual(sink.detachedReasons, ['replaced']);
    pty().print('for tab 2');
    await nextTurn();
    assert.match(tab2.text(), /for tab 2$/);
    assert.doesNotMatch(sink.text(), /for tab 2/);
    session.detach(sink);
    assert.equal(session.attached, true, 'a view that was replaced cannot detach the new one');
  });
});

describe('TerminalSession runs commands', () => {
  test('Run clears the typed line and types the command at an idle prompt; not while a program runs', async () => {
    const { session, pty } = await atPrompt();
    session.run(0);
    assert.equal(pty().typed(), '\x15python3 server.py\r');
    pty().print(`\r\n${MARKS.commandStart}`);
    assert.equal(session.status, 'running');
    assert.throws(
      () => session.run(0),
      (e: unknown) => e instanceof SessionError && e.code === 'busy',
    );
    assert.throws(
      () => session.run(5),
      (e: unknown) => e instanceof SessionError && e.code === 'unknown-command',
    );
  });

  test('a signal is the key of the line discipline, and nothing at the prompt, where nothing runs', async () => {
    const { session, pty } = await atPrompt();
    session.signal('SIGINT');
    assert.equal(pty().typed(), '');
    pty().print(MARKS.commandStart);
    await nextTurn();
    session.signal('SIGINT');
    session.signal('SIGTSTP');
    assert.equal(pty().typed(), '\x03\x1a');
  });

  test('Restart ends the old shell, starts a new one on a clean screen and runs the command at its first prompt', async () => {
    const { session, ptys, ended, sink } = await atPrompt();
    const old = ptys[0];
    await session.restart(0);
    assert.deepEqual(ended, [old?.pid]);
    assert.equal(ptys.length, 2);
    const fresh = ptys[1];
    assert.equal(session.pid, fresh?.pid);
    const attached = sink.messages.filter((m) => m.type === 'attached');
    assert.equal(attached.at(-1)?.type === 'attached' && attached.at(-1)?.status, 'starting');
    assert.equal(fresh?.typed(), '', 'nothing typed before the prompt');
    fresh?.print(MARKS.prompt);
    assert.equal(fresh?.typed(), 'python3 server.py\r');
    await nextTurn();
    assert.equal(sink.text(), `hello\r\n${MARKS.prompt}${MARKS.prompt}`, 'the replay was cleared');
  });

  test('a second Restart while one is under way is refused', async () => {
    const { session } = await atPrompt();
    const first = session.restart();
    assert.throws(
      () => session.restart(),
      (e: unknown) => e instanceof SessionError && e.code === 'busy',
    );
    await first;
  });

  test('a shell that exits by itself reports its status, and its leftover processes are ended', async () => {
    const { session, pty, ended, sink } = await atPrompt();
    const shell = pty();
    shell.exit(3);
    assert.deepEqual(sink.messages.at(-1), { type: 'status', terminal: 't1', status: 'exited', exitCode: 3 });
    assert.deepEqual(ended, [shell.pid]);
    assert.equal(session.pid, null);
    session.input(Buffer.from('ignored'));
    assert.equal(shell.typed(), '');
  });

  test('a shell that cannot start is reported as exited', () => {
    const { session, log } = fakeTerminal({
      spawn: () => {
        throw new Error('no bash');
      },
    });
    const sink = new RecordingSink();
    session.attach(sink, SIZE);
    assert.deepEqual(sink.messages.at(0), { type: 'status', terminal: 't1', status: 'exited', exitCode: null });
    assert.equal(sink.status(), 'exited');
    assert.ok(log.lines.some((l) => l.message === 'could not start a terminal shell'));
  });
});

describe('TerminalSession notices and encodings', () => {
  test('a notice shows between the output and stays in the replay', async () => {
    const { session, pty, sink } = await atPrompt();
    session.notice('the disk is full');
    pty().print('after');
    await nextTurn();
    assert.ok(sink.text().endsWith('[socket-lab] the disk is full\x1b[0m\r\nafter'), sink.text());
    const reloaded = new RecordingSink();
    session.attach(reloaded, SIZE);
    await nextTurn();
    assert.match(reloaded.text(), /the disk is full/);
  });

  test('another encoding re-reads the recent output, and typed text and notices are kept in it', async () => {
    const { session, pty, sink } = await atPrompt();
    pty().print(iconv.encode('GB:你好:', 'gb18030'));
    session.setEncoding('gb18030');
    await nextTurn();
    const attached = sink.messages.findLast((m) => m.type === 'attached');
    assert.equal(attached?.type === 'attached' && attached.encoding, 'gb18030');
    assert.match(sink.text(), /GB:你好:$/);
    session.input(Buffer.from('好'));
    assert.deepEqual(pty().written.at(-1), iconv.encode('好', 'gb18030'));
    session.notice('注意');
    session.setEncoding('utf-8');
    session.setEncoding('gb18030');
    await nextTurn();
    assert.match(sink.text(), /\[socket-lab\] 注意/);
  });
});

describe('TerminalSession flow control', () => {
  test('a flood pauses the pty until the view acknowledges; without a view it stays paused', async () => {
    const { session, pty, sink } = await atPrompt();
    session.ack(sink.bytes());
    pty().print(Buffer.alloc(FLOW_CONTROL.highWatermark + 1, 0x79));
    assert.equal(pty().paused, true);
    await nextTurn();
    session.ack(sink.bytes());
    assert.equal(pty().paused, false);
    session.detach(sink);
    assert.equal(pty().paused, true);
    session.attach(sink, SIZE);
    assert.equal(pty().paused, true, 'the replay is not acknowledged yet');
    await nextTurn();
    session.ack(sink.bytes());
    assert.equal(pty().paused, false);
  });
});

describe('TerminalSession close', () => {
  test('closing tells the view the workspace ended, ends the shell, and is idempotent', async () => {
    const { session, ended, pty, sink } = await atPrompt();
    const shell = pty();
    const closing = session.close();
    assert.equal(session.close(), closing);
    await closing;
    assert.deepEqual(sink.detachedReasons, ['workspace-ended']);
    assert.deepEqual(ended, [shell.pid]);
    assert.equal(session.attached, false);
    const late = new RecordingSink();
    session.attach(late, SIZE);
    assert.deepEqual(late.detachedReasons, ['workspace-ended'], 'a view that comes after is told at once');
    assert.deepEqual(late.messages, []);
    await session.restart();
    assert.equal(session.pid, null, 'a closed terminal does not start again');
  });

  test('a close during a restart waits for it and leaves no shell behind', async () => {
    const { session, ptys, ended } = await atPrompt();
    const restarting = session.restart();
    await session.close();
    await restarting;
    assert.equal(ptys.length, 1, 'the restart saw the close and started nothing');
    assert.deepEqual(ended, [ptys[0]?.pid]);
    assert.equal(session.pid, null);
  });
});
