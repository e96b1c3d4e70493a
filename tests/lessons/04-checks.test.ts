/** Lesson 4's checks, each both ways: unchecked before and after a wrong try, checked after the right action. */
import { describe, test } from 'node:test';
import { lessonLab } from '../support/lesson-tools.ts';
import { listening } from '../support/terminal-output.ts';

const SIZE = { cols: 120, rows: 40 };

describe("lesson 4's checks", () => {
  const lab = lessonLab('04-connection-lifecycle');

  test('close-wait, reset, half-close: each from its own step, not from the others', async () => {
    const { t1, t2, t3, t4, checks, stopAll } = await lab.newLearner(['t1', 't2', 't3', 't4'], SIZE);
    for (const id of ['close-wait', 'reset', 'addr-in-use', 'half-close', 'no-reuseaddr']) await checks.unchecked(id);

    await t4.exec('ss -tan');
    t1.run('python3 -X dev note_fixed.py');
    await listening(t4, t1);
    await checks.staysUnchecked('close-wait', 1000);
    const client = t3.run('socat - TCP:127.0.0.1:2333');
    t3.type('hi\r');
    await client.wait(/<\/h1>/);
    await t3.stop();
    await t4.exec('ss -tan');
    await checks.passes('close-wait');
    await stopAll();

    t1.run('python3 -X dev server.py');
    await listening(t4, t1);
    await t2.runToEnd('python3 reset_client.py');
    await checks.staysUnchecked('reset', 1000);
    await t1.stop();
    t1.run('python3 note_fixed.py');
    await listening(t4, t1);
    await t2.runToEnd('python3 reset_client.py');
    await checks.passes('reset');

    // From this run on: the reset step's server printed recv() 收到 too.
    const server = t1.run('python3 -X dev server.py');
    await listening(t4, t1);
    await checks.unchecked('half-close');
    const socat = t3.run('socat - TCP:127.0.0.1:2333');
    t3.type('one\rtwo\r');
    await server.wait(/recv\(\) 收到/);
    await checks.staysUnchecked('half-close', 1000);
    // Ctrl-D once socat reads the terminal (typed ahead, bash would have taken it as a plain byte).
    t3.type('\x04');
    await socat.wait(/./);
    await checks.passes('half-close');
    await stopAll();
  });

  test('addr-in-use and no-reuseaddr: server.py restarts at once until SO_REUSEADDR is removed', async () => {
    const { t1, t3, t4, checks, stopAll, edit } = await lab.newLearner(['t1', 't3', 't4'], SIZE);
    // Step 9: a client connected when the server stops, so the server's side closes first and keeps TIME-WAIT.
    t1.run('python3 -X dev server.py');
    await listening(t4, t1);
    t3.run('socat - TCP:127.0.0.1:2333');
    await t1.until(() => /客户端已连接/.test(t1.text), 'socat to connect');
    await t1.stop();
    await t3.waitForStatus('idle');
    // With SO_REUSEADDR the server binds again at once, TIME-WAIT or not.
    t1.run('python3 -X dev server.py');
    await listening(t4, t1);
    await checks.staysUnchecked('addr-in-use', 1000);
    await checks.unchecked('no-reuseaddr');
    await t1.stop();

    await edit('server.py', (text) =>
      text.replace('server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)', 'pass'),
    );
    // The TIME-WAIT is still there (a minute): without SO_REUSEADDR, the server cannot bind.
    await t1.runToEnd('python3 -X dev server.py');
    await checks.passes('addr-in-use');
    await checks.passes('no-reuseaddr');
    await stopAll();
  });

  test('saw-rst: a reset seen in the wire view; not a plain close, nor a reset with no capture open', async () => {
    const { t1, t2, t4, checks, stopAll, openWire } = await lab.newLearner(['t1', 't2', 't4'], SIZE);
    t1.run('python3 -X dev server.py');
    await listening(t4, t1);
    // A reset nobody looked at proves nothing: no capture is open yet.
    await t2.runToEnd('python3 reset_client.py');
    await checks.staysUnchecked('saw-rst', 1000);
    const wire = await openWire();
    // An orderly close: FINs only.
    await t2.runToEnd('python3 client.py');
    await wire.until(() => wire.events.some((e) => e.kind === 'capture-segments'), 'the close on the wire');
    await checks.staysUnchecked('saw-rst', 1000);
    await t2.runToEnd('python3 reset_client.py');
    await checks.passes('saw-rst');
    await stopAll();
  });
});
