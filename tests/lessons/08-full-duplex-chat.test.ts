/**
 * Lesson 8 in a real sandbox, the way the lesson runs it: the note's chat as server (t1) and as client (t2), the
 * split-character sender (t3), an observer (t4); then the fixed chat in Python and TypeScript.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { from, listening, waitForExit } from '../support/terminal-output.ts';

/** What the commands run, in examples/08-full-duplex-chat/lab.json: the chat as server in t1, as client in t2. */
const SERVER = { note: 'python3 note_chat.py', python: 'python3 chat.py server', typescript: 'node chat.ts server' };
const CLIENT = {
  note: "python3 -c 'from note_chat import client; client()'",
  python: 'python3 chat.py client',
  typescript: 'node chat.ts client',
};
/** t3: a sender that splits 你 across two send() calls. */
const SPLIT = { python: 'python3 split_sender.py', typescript: 'node split_sender.ts' };

describe('lesson 8: full-duplex chat', () => {
  const { t1, t2, t3, t4 } = openLesson('08-full-duplex-chat', ['t1', 't2', 't3', 't4']);

  /** The note's chat as server in t1 (it prints nothing when it starts: ss says when it listens) and as client in t2. */
  async function startNoteChats() {
    const server = t1.run(SERVER.note);
    await listening(t4, t1);
    const client = t2.run(CLIENT.note);
    // Typed too early, the text would reach bash instead of the program.
    await t2.waitForStatus('running');
    return { server, client };
  }

  /** The python3 processes running the note's chat, one line each. */
  async function noteChats(): Promise<string[]> {
    const { output } = await t4.exec('ps -o pid,args -C python3');
    return output.split('\n').filter((line) => /note_chat/.test(line) && !/ps -o/.test(line));
  }

  test("the note's chat: after the peer closes, empty lines flood in, and Ctrl-C has to be pressed twice", async () => {
    const { server, client } = await startNoteChats();
    t2.type('你好\r');
    await server.wait(/你好/);
    t1.type('hi\r');
    await client.wait(/\nhi\n/);

    // Ctrl-C in the client: the main thread stops, but the non-daemon receive thread is still blocked in recv().
    const stopping = from(t2);
    t2.interrupt();
    await stopping.wait(/KeyboardInterrupt/);
    assert.equal((await noteChats()).length, 2, 'the client is still running after one Ctrl-C');
    assert.equal(t2.status, 'running');
    t2.interrupt();
    await stopping.wait(/Exception ignored in: <module 'threading'/);
    await waitForExit(t2, 130);

    // The client is gone: recv() returns b'' at once, over and over, and the server prints an empty line each time.
    const floodStart = t1.text.length;
    await t1.until(() => (t1.text.slice(floodStart).match(/\n/g) ?? []).length > 2000, 'a flood of empty lines');
    assert.match(t1.text.slice(floodStart), /(\r?\n){500}/);

    // One Ctrl-C ends the main thread only; the receive thread floods on and keeps the process alive.
    const firstStop = from(t1);
    t1.interrupt();
    await firstStop.wait(/KeyboardInterrupt/);
    const afterTraceback = t1.text.length;
    await t1.until(() => t1.text.length > afterTraceback + 20_000, 'the flood to go on after Ctrl-C');
    assert.equal(t1.status, 'running');
    // The second one ends it: 130 (killed by SIGINT) or, when the flooding thread held stdout's lock at that moment,
    // 134 after "Fatal Python error: _enter_buffered_busy" (abort).
    t1.interrupt();
    await t1.until(() => t1.status === 'idle', 't1 to finish');
    assert.ok(t1.exitCode === 130 || t1.exitCode === 134, `exit status ${t1.exitCode}`);
  });

  test("the note's chat: exit on one side does not end that side until the other side presses Enter", async () => {
    const { server, client } = await startNoteChats();
    t2.type('hi\r');
    await server.wait(/^hi$/m);
    // The server types exit. (Not the client: the server would then close first and leave a TIME-WAIT on port 2333
    // without SO_REUSEADDR, and the next server could not bind for a minute; lesson 4.)
    t1.type('exit\r');
    // The client's receive thread prints what it got: "exit" on a line of its own (not the shell's "[exit N]").
    await client.wait(/^exit$/m);
    // The server's main thread is done, but its receive thread still sits in recv(): nothing wakes it.
    const running = await noteChats();
    assert.equal(running.length, 2, `both still run:\n${running.join('\n')}`);
    assert.equal(t1.status, 'running');
    assert.doesNotMatch(server.text(), /Error/);
    // One Enter on the client: it sends nothing, leaves its loop and exits; its close wakes the server's recv().
    t2.type('\r');
    await waitForExit(t2, 0);
    await waitForExit(t1, 0);
  });

  test("a character split across two recv() calls kills the note's receive thread; the fixed chats print it", async () => {
    const note = t1.run(SERVER.note);
    await listening(t4, t1);
    t3.run(SPLIT.python);
    await note.wait(/你好/);
    await note.wait(
      /Exception in thread Thread-1 \(rec\):[\s\S]*UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: unexpected end of data/,
    );
    await waitForExit(t3, 0);
    // Its main thread still waits for the keyboard; the receive thread is dead, so one Ctrl-C ends it.
    assert.equal(t1.status, 'running');
    t1.interrupt();
    await waitForExit(t1, 130);

    for (const [server, sender] of [
      ['python', 'python'],
      ['typescript', 'typescript'],
      ['python', 'typescript'],
    ] as const) {
      const chat = await t1.start(SERVER[server], /等待对方连接 127\.0\.0\.1:2333/);
      const sent = t3.run(SPLIT[sender]);
      await sent.wait(/发出前一半: b'\\xe4\\xbd'[\s\S]*发出后一半: b'\\xa0\\n'/);
      await chat.wait(/对方: 你好\n对方: 你\n对方结束了聊天/);
      assert.doesNotMatch(chat.text(), /Error|�/);
      await waitForExit(t1, 0);
      await waitForExit(t3, 0);
    }
  });

  test('the fixed chat: messages both ways, one peer only, and exit on either side ends both', async () => {
    for (const [server, client, leaver] of [
      ['python', 'python', 't2'],
      ['python', 'typescript', 't1'],
      ['typescript', 'python', 't2'],
      ['typescript', 'typescript', 't1'],
    ] as const) {
      const chat1 = await t1.start(SERVER[server], /等待对方连接/);
      const chat2 = await t2.start(CLIENT[client], /已连接到 127\.0\.0\.1:2333/);
      await chat1.wait(/对方已连接: 127\.0\.0\.1:\d+/);
      t2.type('你好，服务端\r');
      await chat1.wait(/对方: 你好，服务端\n/);
      t1.type('hello, client\r');
      await chat2.wait(/对方: hello, client\n/);

      // One conversation only: the listening socket is closed, so a second client is refused outright.
      const second = await t4.exec('python3 chat.py client');
      assert.match(second.output, /ConnectionRefusedError: \[Errno 111\] Connection refused/);

      const [me, peer, mine, theirs] = leaver === 't1' ? [t1, t2, chat1, chat2] : [t2, t1, chat2, chat1];
      me.type('exit\r');
      await mine.wait(/你结束了聊天/);
      await theirs.wait(/对方结束了聊天/);
      await waitForExit(me, 0);
      await waitForExit(peer, 0);
    }
  });
});
