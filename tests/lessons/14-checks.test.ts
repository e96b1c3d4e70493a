/** Lesson 14's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

describe("lesson 14's checks", () => {
  const lesson = openLesson('14-more', ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
  const { t1, t2, t3, t4, t5, t6, t7, t8, checks } = lesson;

  test('http-get and sse: nothing without a server; a response and events with one', async () => {
    for (const id of ['http-get', 'sse', 'udp', 'ipv6', 'dual-stack', 'relay']) await checks.unchecked(id);
    await t2.runToEnd('python3 http_get.py');
    await checks.staysUnchecked('http-get', 1500);
    t1.run('node http_server.ts');
    await listening(t7, t1);
    await t2.runToEnd('python3 http_get.py');
    await checks.passes('http-get');
    await checks.unchecked('sse');
    await t1.stop();
    t1.run('python3 sse_server.py');
    await listening(t7, t1);
    const events = t2.run('curl -N http://127.0.0.1:2333/events');
    await events.wait(/^data: /m);
    await checks.passes('sse');
    await lesson.stopAll();
  });

  test('udp: datagrams to nobody do not count, to the receiver they do', async () => {
    await t4.runToEnd('python3 udp_send.py');
    await checks.staysUnchecked('udp', 1000);
    await t3.start('python3 udp_recv.py', '已绑定');
    await t4.runToEnd('python3 udp_send.py');
    await checks.passes('udp');
    await lesson.stopAll();
  });

  test('ipv6 and dual-stack: listening alone is not talking; "::" only after the edit', async () => {
    await t5.start('python3 echo6.py', '正在监听');
    await checks.staysUnchecked('ipv6', 2500);
    await checks.unchecked('dual-stack');
    await t6.start('python3 echo_client.py ::1', '');
    await t5.until(() => /客户端已连接/.test(t5.text), 'the client to connect');
    t6.type('hi\r');
    await checks.passes('ipv6');
    await lesson.stopAll();
    await lesson.edit('echo6.py', (text) =>
      text
        .replace('HOST, PORT = "::1", 2333', 'HOST, PORT = "::", 2333')
        .replace(
          '        server.bind((HOST, PORT))',
          '        server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n        server.bind((HOST, PORT))',
        ),
    );
    await t5.start('python3 echo6.py', '正在监听');
    await checks.passes('dual-stack');
    await lesson.stopAll();
  });

  test('relay: socat listening with nothing through it does not count, a request through it does', async () => {
    t1.run('node http_server.ts');
    await listening(t7, t1);
    t8.run('socat -v TCP-LISTEN:2334,reuseaddr,fork TCP:127.0.0.1:2333');
    await listening(t7, t8, 2334);
    await checks.staysUnchecked('relay', 2500);
    await t2.exec('curl -s http://127.0.0.1:2334/ > /dev/null');
    await checks.passes('relay');
    await lesson.stopAll();
  });
});
