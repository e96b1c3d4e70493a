/**
 * Lesson 3 as a learner runs it, in a real sandbox: the note's GB2312 server and a UTF-8 peer, the terminal's
 * encoding menu reading the same reply bytes as mojibake or as text, what GB2312/GBK/GB18030/UTF-8 can encode, and a
 * character split at byte 1024.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { plain } from '../support/lab-harness.ts';
import { openLesson } from '../support/lesson-tools.ts';
import { finished, from, listening } from '../support/terminal-output.ts';

const LAB = '03-bytes-and-text';
const TERMINALS = ['t1', 't2', 't3'] as const;
const SIZE = { cols: 120, rows: 40 };

describe("lesson 3: the note's GB2312 server, a UTF-8 client and the terminal's encoding", () => {
  const { t1, t2, t3 } = openLesson(LAB, TERMINALS, SIZE);

  test("the note's own client speaks GB2312 like its server, so 你好 goes through", async () => {
    const server = t1.run('python3 note_fixed.py');
    await listening(t3, t1);
    const client = await t2.start('python3 note_fixed.py client', />>/);
    t2.type('你好\r');
    await server.wait(/服务端收到客户端发来的消息:你好/);
    await client.wait(/客户端收到服务器回复的消息:HTTP\/1\.1 200 OK/);
    // An empty line ends the note's client; the server keeps waiting for the next one.
    const done = finished(t2);
    t2.type('\r');
    await done;
    assert.equal(t1.status, 'running');
  });

  test('raw GB2312 bytes are mojibake in a UTF-8 terminal and text once the menu says GBK; typed text follows', async () => {
    const server = from(t1);
    let done = finished(t2);
    const prompt = t2.run('python3 bytes_client.py');
    // Typed before the program reads the terminal, the line would go to the shell's line editor instead.
    await prompt.wait(/>>/);
    t2.type('hello\r');
    await done;
    assert.match(prompt.text(), /发出 5 字节: 68 65 6c 6c 6f/);
    // GB2312 bytes read as UTF-8: replacement characters, and stray letters where two bytes happen to be valid UTF-8.
    assert.match(prompt.text(), /收到 72 字节，原样输出:\nHTTP\/1\.1 200 OK \n\n<h1> \uFFFD\uFFFDҪ\uFFFDش/);
    assert.doesNotMatch(prompt.text(), /不要回答/);
    await server.wait(/服务端收到客户端发来的消息:hello/);

    // The same bytes again, decoded as GBK: the reply reads right; the client's own UTF-8 labels do not.
    t2.setEncoding('gb18030');
    // (The note's client printed 不要回答 too, but in UTF-8: read as GBK that line is now the mojibake.)
    await t2.until(() => t2.encoding === 'gb18030' && t2.text.includes('不要回答'), 'the replay decoded as GBK');
    assert.match(plain(t2.text), /<h1> 不要回答！！！不要回答！！！不要回答！！！<\/h1>/);
    assert.doesNotMatch(t2.text, /收到 72 字节/);

    // Typed in a GBK terminal, 你好 leaves as GBK bytes, which the GB2312 server decodes.
    await t2.waitForStatus('idle');
    done = finished(t2);
    const again = await t2.start('node bytes_client.ts', />>/);
    t2.type('你好\r');
    await done;
    assert.match(again.text(), /c4 e3 ba c3/);
    await server.wait(/服务端收到客户端发来的消息:你好/);
    t2.setEncoding('utf-8');
    await t2.until(() => t2.encoding === 'utf-8' && t2.text.includes('收到 72 字节'), 'back to UTF-8');
  });

  test('a UTF-8 client sending 你好 kills the GB2312 server with UnicodeDecodeError', async () => {
    const server = from(t1);
    const clientDone = finished(t2);
    const client = await t2.start('node bytes_client.ts', />>/);
    t2.type('你好\r');
    await clientDone;
    assert.match(client.text(), /发出 6 字节: e4 bd a0 e5 a5 bd/);
    assert.match(client.text(), /服务端关闭了连接/);
    await t1.waitForStatus('idle');
    assert.equal(t1.exitCode, 1);
    assert.match(server.text(), /rev_data\.decode\('GB2312'\)/);
    assert.match(
      server.text(),
      /UnicodeDecodeError: 'gb2312' codec can't decode byte 0xa0 in position 2: illegal multibyte sequence/,
    );
  });

  test('😀 € 們: which encodings have them, in how many bytes (Python), and what Node can decode', async () => {
    const python = await t3.exec('python3 encodings.py');
    assert.equal(python.code, 0, python.output);
    const lines = python.output;
    assert.match(
      lines,
      /們 {2}U\+5011\n {2}gb2312 {3}UnicodeEncodeError: 'gb2312' codec can't encode character '\\u5011'/,
    );
    assert.match(lines, /gbk {6}82 83 {8}2 字节/);
    assert.match(lines, /€ {2}U\+20AC\n(.*\n){2} {2}gb18030 {2}a2 e3 {8}2 字节\n {2}utf-8 {4}e2 82 ac {5}3 字节/);
    assert.match(lines, /gbk {6}UnicodeEncodeError: 'gbk' codec can't encode character '\\u20ac'/);
    assert.match(lines, /gb18030 {2}94 39 fc 36 {2}4 字节\n {2}utf-8 {4}f0 9f 98 80 {2}4 字节/);
    assert.match(lines, /gb2312 {3}UnicodeEncodeError: 'gb2312' codec can't encode character '\\U0001f600'/);

    const node = await t3.exec('node encodings.ts');
    assert.equal(node.code, 0, node.output);
    assert.match(node.output, /gb2312 {3}82 83 {8}→ TextDecoder\('gb2312'\) 解出 '們'/);
    assert.match(node.output, /utf-8 {4}f0 9f 98 80 {2}4 字节/);
    assert.match(node.output, /new TextDecoder\('gb2312'\)\.encoding = 'gbk'/);
  });
});

describe('lesson 3: a character split at byte 1024', () => {
  const { t1, t2, t3 } = openLesson(LAB, TERMINALS, SIZE);

  for (const senderRun of ['python3 split_sender.py gb2312', 'node split_sender.ts gb2312']) {
    test(`the note's server dies on the half of 你 that recv(1024) left behind (${senderRun})`, async () => {
      const server = t1.run('python3 note_fixed.py');
      await listening(t3, t1);
      const sender = await t2.runToEnd(senderRun);
      assert.match(sender, /用 gb2312 发出 1027 字节: 1023 个 a，然后是“你好”: c4 e3 ba c3/);
      await t1.waitForStatus('idle');
      assert.match(
        server.text(),
        /UnicodeDecodeError: 'gb2312' codec can't decode byte 0xc4 in position 1023: incomplete multibyte sequence/,
      );
    });
  }

  for (const [serverRun, senderRun, failure] of [
    [
      'python3 split_server.py',
      'python3 split_sender.py',
      /UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe4 in position 1023: unexpected end of data/,
    ],
    [
      'node split_server.ts',
      'node split_sender.ts',
      /buffer\.toString\(\) 不报错，最后几个字符: aaaa\uFFFD\n[\s\S]*TypeError: The encoded data was not valid for encoding utf-8/,
    ],
  ] as const) {
    test(`decoding each recv(1024) on its own fails at the split (${serverRun})`, async () => {
      const server = await t1.start(serverRun, /服务端已启动/);
      await t2.runToEnd(senderRun);
      await t1.waitForStatus('idle');
      assert.equal(t1.exitCode, 1);
      assert.match(server.text(), /recv\(1024\) 收到 1024 字节，最后 3 个字节: 61 61 e4/);
      assert.match(server.text(), failure);
    });
  }

  for (const [serverRun, senderRun] of [
    ['python3 split_server_fixed.py', 'node split_sender.ts'],
    ['node split_server_fixed.ts', 'python3 split_sender.py'],
  ] as const) {
    test(`an incremental decoder carries the half character over to the next recv (${serverRun})`, async () => {
      const server = await t1.start(serverRun, /服务端已启动/);
      await t2.runToEnd(senderRun);
      await server.wait(/客户端关闭了连接/);
      assert.match(
        server.text(),
        /收到 1024 字节，最后 3 个字节: 61 61 e4\n {2}解码得到 1023 个字符，最后几个: aaaaa\nrecv\(1024\) 收到 5 字节，最后 3 个字节: e5 a5 bd\n {2}解码得到 2 个字符，最后几个: 你好/,
      );
      assert.equal(t1.status, 'running');
      await t1.stop();
    });
  }
});
