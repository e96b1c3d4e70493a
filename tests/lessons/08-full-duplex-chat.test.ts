/**
 * Lesson 8 in a real sandbox, the way the lesson runs it: the note's chat as server (t1) and as client (t2), the
 * split-character sender (t3), an observer (t4); then the fixed chat in Python and TypeScript.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import {
  labSocket,
  newLearnerCookie,
  plain,
  probesAtPrompt,
  startTestLab,
  TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';
import { waitAfter, waitForExit } from '../support/lesson-tools.ts';

const LAB = '08-full-duplex-chat';
/** Command indexes in lab.json. */
const NOTE = 0;
const PYTHON = 1;
const TYPESCRIPT = 2;
const SPLIT_PYTHON = 0;
const SPLIT_TYPESCRIPT = 1;

describe('lesson 8: full-duplex chat', () => {
  let lab: TestLab;
  let socket: LabSocket;
  let t1: TerminalProbe;
  let t2: TerminalProbe;
  let t3: TerminalProbe;
  let t4: TerminalProbe;

  before(async () => {
    lab = await startTestLab();
    socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    [t1, t2, t3, t4] = await probesAtPrompt(socket, ['t1', 't2', 't3', 't4']);
  });

  after(async () => {
    socket?.close();
    await lab?.close();
  });

  /** The note's chat prints nothing when it starts: wait until its socket listens on 2333. */
  async function waitForListener(): Promise<void> {
    const { output } = await t4.exec(
      "for i in $(seq 100); do ss -tln | grep -q '127.0.0.1:2333 ' && break; sleep 0.1; done; ss -tln",
    );
    assert.match(output, /LISTEN.*127\.0\.0\.1:2333/);
  }

  /** The python3 processes running the note's chat, one line each. */
  async function noteChats(): Promise<string[]> {
    const { output } = await t4.exec('ps -o pid,args -C python3');
    return output.split('\n').filter((line) => /note_chat/.test(line) && !/ps -o/.test(line));
  }

  test("the note's chat: after the peer closes, empty lines flood in, and Ctrl-C has to be pressed twice", async () => {
    const start1 = t1.text.length;
    const start2 = t2.text.length;
    socket.run('t1', NOTE);
    await waitForListener();
    socket.run('t2', NOTE);
    // Typed too early, the text would reach bash instead of the program.
    await t2.waitForStatus('running');
    t2.type('你好\r');
    await waitAfter(t1, start1, /你好/);
    t1.type('hi\r');
    await waitAfter(t2, start2, /\nhi\n/);

    // Ctrl-C in the client: the main thread stops, but the non-daemon receive thread is still blocked in recv().
    const beforeStop = t2.text.length;
    socket.signal('t2', 'SIGINT');
    await waitAfter(t2, beforeStop, /KeyboardInterrupt/);
    assert.equal((await noteChats()).length, 2, 'the client is still running after one Ctrl-C');
    assert.equal(t2.status, 'running');
    socket.signal('t2', 'SIGINT');
    await waitAfter(t2, beforeStop, /Exception ignored in: <module 'threading'/);
    await waitForExit(t2, 130);

    // The client is gone: recv() returns b'' at once, over and over, and the server prints an empty line each time.
    const floodStart = t1.text.length;
    await t1.until(() => (t1.text.slice(floodStart).match(/\n/g) ?? []).length > 2000, 'a flood of empty lines');
    assert.match(t1.text.slice(floodStart), /(\r?\n){500}/);

    // One Ctrl-C ends the main thread only; the receive thread floods on and keeps the process alive.
    const firstStop = t1.text.length;
    socket.signal('t1', 'SIGINT');
    await waitAfter(t1, firstStop, /KeyboardInterrupt/);
    const afterTraceback = t1.text.length;
    await t1.until(() => t1.text.length > afterTraceback + 20_000, 'the flood to go on after Ctrl-C');
    assert.equal(t1.status, 'running');
    // The second one ends it: 130 (killed by SIGINT) or, when the flooding thread held stdout's lock at that moment,
    // 134 after "Fatal Python error: _enter_buffered_busy" (abort).
    socket.signal('t1', 'SIGINT');
    await t1.until(() => t1.status === 'idle', 't1 to finish');
    assert.ok(t1.exitCode === 130 || t1.exitCode === 134, `exit status ${t1.exitCode}`);
  });

  test("the note's chat: exit on one side does not end that side until the other side presses Enter", async () => {
    const start1 = t1.text.length;
    const start2 = t2.text.length;
    socket.run('t1', NOTE);
    await waitForListener();
    socket.run('t2', NOTE);
    // Typed too early, the text would reach bash instead of the program.
    await t2.waitForStatus('running');
    t2.type('hi\r');
    await waitAfter(t1, start1, /^hi$/m);
    // The server types exit. (Not the client: the server would then close first and leave a TIME-WAIT on port 2333
    // without SO_REUSEADDR, and the next server could not bind for a minute; lesson 4.)
    t1.type('exit\r');
    // The client's receive thread prints what it got: "exit" on a line of its own (not the shell's "[exit N]").
    await waitAfter(t2, start2, /^exit$/m);
    // The server's main thread is done, but its receive thread still sits in recv(): nothing wakes it.
    const running = await noteChats();
    assert.equal(running.length, 2, `both still run:\n${running.join('\n')}`);
    assert.equal(t1.status, 'running');
    assert.doesNotMatch(plain(t1.text.slice(start1)), /Error/);
    // One Enter on the client: it sends nothing, leaves its loop and exits; its close wakes the server's recv().
    t2.type('\r');
    await waitForExit(t2, 0);
    await waitForExit(t1, 0);
  });

  test("a character split across two recv() calls kills the note's receive thread; the fixed chats print it", async () => {
    const start1 = t1.text.length;
    socket.run('t1', NOTE);
    await waitForListener();
    socket.run('t3', SPLIT_PYTHON);
    await waitAfter(t1, start1, /你好/);
    await waitAfter(
      t1,
      start1,
      /Exception in thread Thread-1 \(rec\):[\s\S]*UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: unexpected end of data/,
    );
    await waitForExit(t3, 0);
    // Its main thread still waits for the keyboard; the receive thread is dead, so one Ctrl-C ends it.
    assert.equal(t1.status, 'running');
    socket.signal('t1', 'SIGINT');
    await waitForExit(t1, 130);

    for (const [server, sender] of [
      [PYTHON, SPLIT_PYTHON],
      [TYPESCRIPT, SPLIT_TYPESCRIPT],
      [PYTHON, SPLIT_TYPESCRIPT],
    ] as const) {
      const from = t1.text.length;
      socket.run('t1', server);
      await waitAfter(t1, from, /等待对方连接 127\.0\.0\.1:2333/);
      const sent = t3.text.length;
      socket.run('t3', sender);
      await waitAfter(t3, sent, /发出前一半: b'\\xe4\\xbd'[\s\S]*发出后一半: b'\\xa0\\n'/);
      await waitAfter(t1, from, /对方: 你好\n对方: 你\n对方结束了聊天/);
      assert.doesNotMatch(t1.text.slice(from), /Error|�/);
      await waitForExit(t1, 0);
      await waitForExit(t3, 0);
    }
  });

  test('the fixed chat: messages both ways, one peer only, and exit on either side ends both', async () => {
    for (const [server, client, leaver] of [
      [PYTHON, PYTHON, 't2'],
      [PYTHON, TYPESCRIPT, 't1'],
      [TYPESCRIPT, PYTHON, 't2'],
      [TYPESCRIPT, TYPESCRIPT, 't1'],
    ] as const) {
      const start1 = t1.text.length;
      const start2 = t2.text.length;
      socket.run('t1', server);
      await waitAfter(t1, start1, /等待对方连接/);
      socket.run('t2', client);
      await waitAfter(t2, start2, /已连接到 127\.0\.0\.1:2333/);
      await waitAfter(t1, start1, /对方已连接: 127\.0\.0\.1:\d+/);
      t2.type('你好，服务端\r');
      await waitAfter(t1, start1, /对方: 你好，服务端\n/);
      t1.type('hello, client\r');
      await waitAfter(t2, start2, /对方: hello, client\n/);

      // One conversation only: the listening socket is closed, so a second client is refused outright.
      const second = await t4.exec('python3 chat.py client');
      assert.match(second.output, /ConnectionRefusedError: \[Errno 111\] Connection refused/);

      const [me, peer, meStart, peerStart] = leaver === 't1' ? [t1, t2, start1, start2] : [t2, t1, start2, start1];
      me.type('exit\r');
      await waitAfter(me, meStart, /你结束了聊天/);
      await waitAfter(peer, peerStart, /对方结束了聊天/);
      await waitForExit(me, 0);
      await waitForExit(peer, 0);
    }
  });
});
