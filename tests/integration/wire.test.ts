/**
 * The wire view captures the workspace's own loopback with a real tcpdump in its network namespace: the handshake,
 * the data and the teardown between the right ports, the typed text in a payload, nothing of another workspace;
 * flow control bounds what a page that does not keep up is sent; and no tcpdump outlives its pane or workspace.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { CaptureSegment } from '#protocol/capture.ts';
import { CAPTURE } from '#protocol/limits.ts';
import type { PaneEvent } from '#protocol/messages.ts';
import {
  labSocket,
  makeExamples,
  newLearnerCookie,
  openCapture,
  PaneProbe,
  probesAtPrompt,
  startTestLab,
  type TestLab,
} from '../support/lab-harness.ts';
import { eventually } from '../support/waiters.ts';

const LAB = '01-wire';
const title = (text: string) => ({ 'zh-CN': text, en: text });

const ECHO = `import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2333))
s.listen()
print("echo ready", flush=True)
while True:
    c, _ = s.accept()
    data = c.recv(1024)
    c.sendall(b"echo " + data)
    c.close()
`;

const SEND = `import socket, sys
with socket.create_connection(("127.0.0.1", 2333)) as s:
    s.sendall(sys.argv[1].encode())
    print("reply:", s.recv(1024).decode(), flush=True)
`;

/**
 * UDP datagrams, one segment each. Paced: the kernel drops what tcpdump has not read when its buffer is full, and on
 * a busy machine an unpaced flood can lose so many that fewer reach the backend than it may hold for a slow page.
 */
const FLOOD = `import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"x", ("127.0.0.1", 9))
    if i % 50 == 49:
        time.sleep(0.002)
print("flooded", flush=True)
`;

/** The host pids of tcpdump processes this backend (this test process) started. */
async function tcpdumps(): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'latin1').catch(() => '');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (name === 'tcpdump' && ppid === process.pid) found.push(Number(entry));
  }
  return found;
}

const segmentsOf = (events: PaneEvent[]): CaptureSegment[] =>
  events.flatMap((e) => (e.kind === 'capture-segments' ? e.segments : []));

describe('wire view', () => {
  let lab: TestLab;
  let examples: Awaited<ReturnType<typeof makeExamples>>;

  before(async () => {
    examples = await makeExamples({
      [LAB]: {
        manifest: {
          terminals: [
            { id: 't1', title: title('server'), commands: [{ run: 'python3 echo.py' }] },
            { id: 't2', title: title('client'), commands: [] },
          ],
          panes: [
            { kind: 'wire', id: 'wire', title: { 'zh-CN': '抓包', en: 'Wire' }, port: 2333 },
            { kind: 'preview', id: 'page', title: title('page'), port: 2333 },
          ],
        },
        files: { 'echo.py': ECHO, 'send.py': SEND, 'flood.py': FLOOD },
      },
    });
    lab = await startTestLab(['--examples-dir', examples.dir]);
  });
  after(async () => {
    await lab.close();
    await examples.remove();
  });

  test("a connection's whole life between the right ports, the typed text in its payload, and only this workspace's", async () => {
    const [cookieA, cookieB] = await Promise.all([newLearnerCookie(lab), newLearnerCookie(lab)]);
    const [a, b] = [labSocket(lab, LAB, cookieA), labSocket(lab, LAB, cookieB)];
    const [[serverA, clientA], [serverB, clientB]] = await Promise.all([
      probesAtPrompt(a, ['t1', 't2']),
      probesAtPrompt(b, ['t1', 't2']),
    ]);
    const [wireA, wireB] = await Promise.all([openCapture(a), openCapture(b)]);
    assert.equal((await tcpdumps()).length, 2, 'one tcpdump per open wire view');
    for (const server of [serverA, serverB]) server.type('python3 echo.py\r');
    await Promise.all([serverA.waitForText('echo ready'), serverB.waitForText('echo ready')]);
    await clientA.exec('python3 send.py "hello from A"');
    await clientB.exec('python3 send.py "hello from B"');

    const wanted = (probe: PaneProbe) => () =>
      segmentsOf(probe.events).filter((s) => s.flags.includes('FIN')).length >= 2;
    await wireA.until(wanted(wireA), 'both FINs in A');
    await wireB.until(wanted(wireB), 'both FINs in B');
    const seen = segmentsOf(wireA.events);
    const server = '127.0.0.1:2333';
    const syn = seen.find((s) => s.flags.join() === 'SYN');
    assert.ok(syn && syn.dst === server, 'the client opens to the server port');
    const client = syn.src;
    const flow = seen
      .filter((s) => [s.src, s.dst].includes(client))
      .map((s) => `${s.src === client ? '>' : '<'} ${s.flags.join(',')}`);
    assert.deepEqual(flow.slice(0, 3), ['> SYN', '< SYN,ACK', '> ACK'], 'the three-way handshake');
    const data = seen.find((s) => s.src === client && s.length > 0);
    assert.ok(data, 'a data segment from the client');
    assert.ok(data?.flags.includes('PSH'), 'the data segment is pushed');
    assert.equal(data.seq, 1, 'relative: the first byte after the SYN');
    const text = Buffer.from(data.data, 'base64').toString('latin1');
    assert.ok(text.endsWith('hello from A'), 'the typed text is in the payload');
    assert.ok(flow.some((f) => f.startsWith('< FIN')) && flow.some((f) => f.startsWith('> FIN')), 'both sides close');
    const all = (probe: PaneProbe) =>
      segmentsOf(probe.events)
        .map((s) => Buffer.from(s.data, 'base64').toString('latin1'))
        .join('\n');
    assert.ok(!all(wireA).includes('from B'), "A's view has nothing of B's workspace");
    assert.ok(!all(wireB).includes('from A'), "B's view has nothing of A's workspace");
    assert.ok(all(wireB).includes('hello from B'));
    // The page's own socket to the backend runs on the host's loopback all along: never in a workspace's view.
    const backendPort = new URL(lab.url).port;
    const ports = segmentsOf(wireA.events).flatMap((s) => [s.src, s.dst].map((e) => e.slice(e.lastIndexOf(':') + 1)));
    assert.ok(!ports.includes(backendPort), "nothing of the host's loopback");

    a.sendCapture({ type: 'capture-close', pane: 'wire' });
    await wireA.until(() => wireA.events.some((e) => e.kind === 'capture-state' && e.state === 'off'), 'capture off');
    await eventually(async () => (await tcpdumps()).length === 1, "A's tcpdump gone, B's running");
    b.close();
    await eventually(async () => (await tcpdumps()).length === 0, 'no tcpdump once the page left');
    a.close();
  });

  test('a page that does not acknowledge gets at most the in-flight segments, then the rest with how many were skipped', async () => {
    const socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    const [t1] = await probesAtPrompt(socket, ['t1']);
    const wire = await openCapture(socket);
    const sent = 3000;
    await t1.exec(`python3 flood.py ${sent}`);
    // Then one more, once the flood is over, so that it is not among those the kernel dropped: the last to come.
    await t1.exec(
      `python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"end", ("127.0.0.1", 9))'`,
    );
    await wire.until(() => segmentsOf(wire.events).length >= CAPTURE.inFlightSegments, 'the first segments');
    assert.equal(segmentsOf(wire.events).length, CAPTURE.inFlightSegments, 'no more than may be unacknowledged');
    // The page catches up: what waited comes, after a count of what was dropped to keep the backend's memory bounded.
    let acked = 0;
    const skippedOf = () => wire.events.reduce((n, e) => n + (e.kind === 'capture-skipped' ? e.count : 0), 0);
    await wire.until(() => {
      const got = segmentsOf(wire.events).length;
      if (got > acked) socket.sendCapture({ type: 'capture-ack', pane: 'wire', segments: got - acked });
      acked = got;
      return segmentsOf(wire.events).some((s) => s.length === 3);
    }, 'the last datagram, "end"');
    const received = segmentsOf(wire.events);
    assert.ok(skippedOf() > 0, 'some were skipped');
    assert.equal(received.at(-1)?.n, received.length + skippedOf(), 'every segment captured was sent or counted');
    assert.ok(received.length <= CAPTURE.inFlightSegments + CAPTURE.heldSegments + CAPTURE.batchSegments);
    const skippedAt = wire.events.findIndex((e) => e.kind === 'capture-skipped');
    assert.ok(skippedAt > 0 && wire.events.slice(skippedAt + 1).some((e) => e.kind === 'capture-segments'));
    socket.close();
    await eventually(async () => (await tcpdumps()).length === 0, 'no tcpdump once the page left');
  });

  test('bad capture messages are refused and change nothing; a reset ends the capture with the workspace', async () => {
    const errors: string[] = [];
    const socket = labSocket(lab, LAB, await newLearnerCookie(lab), { onError: (code) => errors.push(code) });
    const page = new PaneProbe(socket, 'page');
    await probesAtPrompt(socket, ['t1']);
    socket.sendCapture({ type: 'capture-open', pane: 'page' });
    await page.until(() => page.errors.length > 0, 'a refusal');
    assert.equal(page.errors[0]?.code, 'unknown-pane');
    await openCapture(socket);
    socket.sendCapture({ type: 'capture-ack', pane: 'wire', segments: 0 });
    await eventually(() => errors.includes('bad-message'), 'a bad-message error');
    assert.equal((await tcpdumps()).length, 1, 'still one capture');
    socket.resetFiles();
    await eventually(async () => (await tcpdumps()).length === 0, 'the reset workspace took its capture along');
    socket.close();
  });

  test('a backend shutting down takes every capture along', async () => {
    const own = await startTestLab(['--examples-dir', examples.dir]);
    const socket = labSocket(own, LAB, await newLearnerCookie(own));
    await probesAtPrompt(socket, ['t1']);
    await openCapture(socket);
    assert.equal((await tcpdumps()).length, 1);
    await own.close();
    assert.deepEqual(await tcpdumps(), [], 'none left once the backend has closed');
  });
});
