/** Lesson 10's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

const CLI = 'python3 -m websockets ws://127.0.0.1:2333/';

describe("lesson 10's checks", () => {
  const lesson = openLesson('10-websocket-from-scratch', ['t1', 't2', 't3', 't4']);
  const { t1, t2, t3, t4, checks } = lesson;

  test('nothing is checked at first; a wrong key gives another Accept', async () => {
    for (const id of ['accept', 'plain-http', 'cli-client', 'origin']) await checks.unchecked(id);
    await t3.exec(`printf '%s' 'another-key258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64`);
    await checks.staysUnchecked('accept', 1000);
    await t3.runToEnd(
      `printf '%s' 'dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11' | openssl sha1 -binary | base64`,
    );
    await checks.passes('accept');
  });

  test('plain-http and cli-client: nothing without a server, 426 and an echo with it', async () => {
    await t2.runToEnd('curl -i http://127.0.0.1:2333/');
    await t4.runToEnd(CLI);
    await checks.staysUnchecked('plain-http', 1000);
    await checks.unchecked('cli-client');
    await t1.start('python3 ws_server.py', '已启动');
    await t2.runToEnd('curl -i http://127.0.0.1:2333/');
    await checks.passes('plain-http');
    await t4.start(CLI, 'Connected to ws://127.0.0.1:2333/');
    t4.type('hello\r');
    await checks.passes('cli-client');
    await lesson.stopAll();
  });

  test('origin: refused clients only once handshake() checks Origin', async () => {
    await lesson.edit('ws_server.py', (text) =>
      text.replace(
        '            accept = accept_value(key)',
        '            if headers.get("origin") != "http://lab.example":\n                self.respond("403 Forbidden", [("Connection", "close")], "Origin not allowed\\n")\n                return False\n            accept = accept_value(key)',
      ),
    );
    await checks.staysUnchecked('origin', 3000);
    t1.run('python3 ws_server.py');
    await listening(t2, t1);
    await t4.runToEnd(CLI);
    await checks.passes('origin');
    await lesson.stopAll();
  });
});
