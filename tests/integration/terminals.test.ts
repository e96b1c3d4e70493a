/**
 * A terminal as a learner uses it: Run, exit statuses, Stop on a flood, Restart, encodings, and coming back to the
 * same processes after the page reloads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FLOW_CONTROL } from '#protocol/limits.ts';
import { CLOSE_CODES } from '#protocol/messages.ts';
import { FIXTURE_LAB, startFixtureLab } from '../support/fixture-lab.ts';
import { openRaw } from '../support/raw-socket.ts';
import { labSocket, newLearnerCookie, plain, TerminalProbe, type TestLab } from '../support/lab-harness.ts';
import { eventually, letTimePass } from '../support/waiters.ts';

describe('terminals', () => {
  let lab: TestLab;
  const open = async (cookie?: string) => labSocket(lab, FIXTURE_LAB, cookie ?? (await newLearnerCookie(lab)));

  before(async () => {
    lab = await startFixtureLab();
  });

  // Closing the lab closes its sockets too.
  after(() => lab?.close());

  test('Run types the lab command; the exit status of each command is reported and shown', async () => {
    const socket = await open();
    const t2 = new TerminalProbe(socket, 't2');
    await t2.waitForStatus('idle');
    assert.equal(t2.exitCode, null);
    t2.type('false\r');
    await t2.until(() => t2.status === 'idle' && t2.exitCode === 1, 'exit status 1');
    assert.match(plain(t2.text), /\[exit 1\]/);
    t2.type('true\r');
    await t2.until(() => t2.status === 'idle' && t2.exitCode === 0, 'exit status 0');

    socket.run('t2', 0);
    await t2.waitForText(/ConnectionRefusedError/);
    await t2.until(() => t2.status === 'idle' && t2.exitCode === 1, 'the client to fail without a server');
  });

  test('Run refuses while a program runs; Stop (Ctrl-C) ends it and Run works again', async () => {
    const socket = await open();
    const t1 = new TerminalProbe(socket, 't1');
    await t1.waitForStatus('idle');
    socket.run('t1', 0);
    await t1.waitForText(/server listening/);
    assert.equal(t1.status, 'running');
    socket.run('t1', 0);
    await t1.until(() => t1.errors.some((e) => e.code === 'busy'), 'a busy error');
    socket.signal('t1', 'SIGINT');
    await t1.until(() => t1.status === 'idle' && t1.exitCode === 130, 'Ctrl-C to end the server (status 130)');
    socket.run('t1', 0);
    await t1.until(() => t1.status === 'running', 'the server to run again');
  });

  test('a flood is held back while the page does not acknowledge, and Ctrl-C still stops it at once', async () => {
    const socket = await open();
    const t1 = new TerminalProbe(socket, 't1');
    await t1.waitForStatus('idle');
    t1.autoAck = false;
    socket.run('t1', 1);
    await t1.until(() => t1.bytes > FLOW_CONTROL.highWatermark, 'the flood to reach the high watermark');
    // What was already on its way arrives; after that, for a second, nothing more may come.
    await letTimePass(1000);
    const held = t1.bytes;
    await letTimePass(1000);
    assert.equal(t1.bytes, held, 'nothing more is sent until the page acknowledges');
    // One pty read past the watermark at most: the backend stops reading once it is crossed.
    assert.ok(held < FLOW_CONTROL.highWatermark + 70_000, `sent ${held} unacknowledged bytes`);

    socket.signal('t1', 'SIGINT');
    t1.autoAck = true;
    socket.ack('t1', t1.bytes);
    await t1.until(() => t1.status === 'idle', 'yes to stop after Ctrl-C');
    assert.equal(t1.exitCode, 130);
  });

  test('input a program does not read is held only so far, and Stop still stops it', async () => {
    const socket = await open();
    const t3 = new TerminalProbe(socket, 't3');
    await t3.waitForStatus('idle');
    // Out of canonical mode, as a full-screen program is: a canonical terminal with no newline pending takes in and
    // drops whatever is past its 4 KB line, so input waits there only while the kernel's thread is behind. The
    // input starts once stty is done, or it would be echoed and dropped meanwhile; and once the program that prints
    // `mode-42` is the one in the foreground, so that Stop cannot find the shell there between two commands.
    t3.type(`stty -icanon -echo; sh -c 'echo mode-$((6 * 7)); exec sleep 300'\r`);
    await t3.waitForText('mode-42');
    const chunk = 'x'.repeat(8000);
    for (let sent = 0; sent < 1_000_000 && !t3.errors.some((e) => e.code === 'busy'); sent += chunk.length) {
      t3.type(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await t3.until(() => t3.errors.some((e) => e.code === 'busy'), 'input to be refused');
    assert.match(t3.errors.find((e) => e.code === 'busy')?.message ?? '', /not reading its input/);
    socket.signal('t3', 'SIGINT');
    await t3.until(() => t3.status === 'idle' && t3.exitCode === 130, 'Stop to end sleep');
  });

  test('Restart ends everything the terminal started, and only that, then runs the command again', async () => {
    const socket = await open();
    const t1 = new TerminalProbe(socket, 't1');
    const t3 = new TerminalProbe(socket, 't3');
    await t1.waitForStatus('idle');
    await t3.waitForStatus('idle');
    t1.type('sleep 1001 & sleep 1002 &\r');
    t3.type('sleep 1003 &\r');
    // The job lines and the next prompt can come in separate reads: Run is refused (busy) until the prompt is back.
    await t1.until(
      () => (t1.text.match(/\[\d\] \d+/g) ?? []).length === 2 && t1.status === 'idle',
      'both jobs to start and the prompt to come back',
    );
    socket.run('t1', 0);
    await t1.waitForText(/server listening/);
    // A job's line is printed when bash forks it: until the child execs, ps shows it as bash, not sleep.
    let listed = '';
    const expected = ['sleep 1001', 'sleep 1002', 'sleep 1003', 'echo_server.py'];
    await eventually(
      async () => {
        listed = (await t3.exec('ps -eo args')).output;
        return expected.every((args) => listed.includes(args));
      },
      () => `ps to show the three sleeps and the server; it shows:\n${listed}`,
    );

    socket.restart('t1', 0);
    await t1.until(() => t1.attachedCount >= 2 && /server listening/.test(t1.text), 'the server to start again');
    const afterRestart = await t3.exec('ps -eo args');
    assert.doesNotMatch(afterRestart.output, /sleep 100[12]/);
    assert.match(afterRestart.output, /sleep 1003/, "another terminal's processes are untouched");
    assert.equal(afterRestart.output.match(/echo_server\.py/g)?.length, 1, 'one server: the new one');
  });

  test('a shell that exits reports its status; Restart brings a new one', async () => {
    const socket = await open();
    const t3 = new TerminalProbe(socket, 't3');
    await t3.waitForStatus('idle');
    t3.type('exit 3\r');
    await t3.until(() => t3.status === 'exited' && t3.exitCode === 3, 'the shell to exit with status 3');
    socket.restart('t3');
    await t3.waitForStatus('idle');
    assert.match((await t3.exec('echo back $((1 + 1))')).output, /back 2/);
  });

  test('the encoding menu re-reads the same bytes, and typed text is sent in that encoding', async () => {
    const socket = await open();
    const t3 = new TerminalProbe(socket, 't3');
    await t3.waitForStatus('idle');
    // 你好 in GB2312, as the study note's server sends it.
    await t3.exec("printf 'GB:\\xc4\\xe3\\xba\\xc3:\\n'");
    assert.match(t3.text, /GB:\uFFFD+:/, 'read as UTF-8 the bytes are mojibake');
    socket.setEncoding('t3', 'gb18030');
    await t3.until(() => t3.encoding === 'gb18030' && t3.text.includes('GB:你好:'), 'the replay decoded as GBK');
    // A program reading the terminal directly (not bash's line editor, which expects UTF-8) sees the bytes typed.
    t3.type('head -c 4 | od -An -tx1\r');
    await t3.waitForStatus('running');
    t3.type('你好\r');
    await t3.until(() => /c4 e3 ba c3/.test(t3.text), 'what the learner typed to reach the program as GBK bytes');
    await t3.waitForStatus('idle');
    socket.setEncoding('t3', 'utf-8');
    await t3.until(() => t3.encoding === 'utf-8' && /GB:\uFFFD+:/.test(t3.text), 'back to UTF-8');
  });

  test('a reload re-attaches to the same running processes with the screen restored', async () => {
    const cookie = await newLearnerCookie(lab);
    const first = await open(cookie);
    const t1 = new TerminalProbe(first, 't1');
    await t1.waitForStatus('idle');
    first.run('t1', 0);
    await t1.waitForText(/server listening/);
    first.close();

    const second = await open(cookie);
    const again = new TerminalProbe(second, 't1');
    await again.waitForText(/server listening/);
    assert.equal(again.status, 'running');
    const t2 = new TerminalProbe(second, 't2');
    await t2.waitForStatus('idle');
    second.run('t2', 0);
    await t2.waitForText(/reply: server echoes hi/);
    await again.waitForText(/server got hi/);
  });

  test('opening the same terminal in another tab takes it over; the first tab is told', async () => {
    const cookie = await newLearnerCookie(lab);
    const tab1 = new TerminalProbe(await open(cookie), 't3');
    await tab1.waitForStatus('idle');
    const tab2 = new TerminalProbe(await open(cookie), 't3');
    await tab2.waitForStatus('idle');
    await tab1.until(() => tab1.detachedReason === 'replaced', 'the first tab to be told');
    assert.match((await tab2.exec('echo mine $((2 + 3))')).output, /mine 5/);
  });

  test('when the workspace ends, the page hears detached once for each terminal, then the close 4001', async () => {
    const raw = await openRaw(lab, FIXTURE_LAB, await newLearnerCookie(lab));
    const ids = ['t1', 't2', 't3'];
    for (const terminal of ids) {
      raw.ws.send(JSON.stringify({ type: 'attach', terminal, cols: 80, rows: 24 }));
      await raw.next((m) => m.type === 'attached' && m.terminal === terminal, `${terminal} attached`);
    }
    raw.ws.send('{"type":"reset-files"}');
    assert.equal((await raw.closed).code, CLOSE_CODES.workspaceEnded);
    const detached = raw.messages.flatMap((m) => (m.type === 'detached' ? [`${m.terminal} ${m.reason}`] : []));
    assert.deepEqual(
      detached.sort(),
      ids.map((id) => `${id} workspace-ended`),
    );
  });
});
