/**
 * The browser panes reach the learner's own servers inside the sandbox, and nothing else: the page preview (request,
 * raw response, how it ended, or that it has not) and the WebSocket client (handshake, messages, close code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabSocket } from '../../src/components/lab/lab-socket.ts';
import {
  labSocket,
  makeExamples,
  newLearnerCookie,
  PaneProbe,
  startTestLab,
  TerminalProbe,
  type TestLab,
} from '../support/lab-harness.ts';
import { eventually, letTimePass } from '../support/waiters.ts';

const LAB = '01-panes';
const title = (text: string) => ({ 'zh-CN': text, en: text });

/** Answers like the study note's server: a status line, no length, no close. */
const ENDLESS = `import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2333))
s.listen()
print("endless ready", flush=True)
conns = []
while True:
    c, _ = s.accept()
    print(c.recv(4096).decode(), flush=True)
    c.sendall(b"HTTP/1.1 200 OK\\r\\n\\r\\n<h1>still here</h1>")
    conns.append(c)
`;

const CHUNKED = `import http.server
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for part in (b"hello ", b"chunked ", "世界".encode()):
            self.wfile.write(b"%x\\r\\n%s\\r\\n" % (len(part), part))
        self.wfile.write(b"0\\r\\n\\r\\n")
print("chunked ready", flush=True)
http.server.HTTPServer(("127.0.0.1", 2334), H).serve_forever()
`;

const ECHO_WS = `import asyncio, websockets
async def echo(websocket, path):
    async for message in websocket:
        await websocket.send("echo: " + message)
        if message == "bye":
            await websocket.close(4000, "as you wish")
async def main():
    async with websockets.serve(echo, "127.0.0.1", 8765):
        print("ws ready", flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

describe('browser panes', () => {
  let lab: TestLab;
  let examples: Awaited<ReturnType<typeof makeExamples>>;
  let socket: LabSocket;
  let shell: TerminalProbe;
  let page: PaneProbe;
  let ws: PaneProbe;

  const run = async (probe: TerminalProbe, command: string, ready: string) => {
    await probe.waitForStatus('idle');
    probe.type(`${command}\r`);
    await probe.waitForText(ready);
  };

  before(async () => {
    examples = await makeExamples({
      [LAB]: {
        manifest: {
          terminals: ['t1', 't2', 't3', 't4', 't5'].map((id) => ({ id, title: title(id) })),
          panes: [
            { kind: 'preview', id: 'page', title: title('page'), port: 2333 },
            { kind: 'websocket', id: 'ws', title: title('ws'), port: 8765 },
          ],
        },
        files: { 'endless.py': ENDLESS, 'chunked.py': CHUNKED, 'echo_ws.py': ECHO_WS, 'hello.html': '<h1>你好</h1>\n' },
      },
    });
    lab = await startTestLab(['--examples-dir', examples.dir]);
    socket = labSocket(lab, LAB, await newLearnerCookie(lab));
    shell = new TerminalProbe(socket, 't5');
    page = new PaneProbe(socket, 'page');
    ws = new PaneProbe(socket, 'ws');
    await Promise.all([
      run(new TerminalProbe(socket, 't1'), 'python3 endless.py', 'endless ready'),
      run(new TerminalProbe(socket, 't2'), 'python3 chunked.py', 'chunked ready'),
      run(new TerminalProbe(socket, 't3'), 'python3 echo_ws.py', 'ws ready'),
      run(new TerminalProbe(socket, 't4'), 'python3 -m http.server 2335', 'Serving HTTP'),
    ]);
  });

  after(async () => {
    socket.close();
    await lab.close();
    await examples.remove();
  });

  test('the preview gets a complete response, with the request it sent and every byte', async () => {
    page.clear();
    socket.httpGet('page', 2335, '/hello.html');
    const sent = await page.next('http-sent');
    assert.match(sent.request, /^GET \/hello\.html HTTP\/1\.1\r\nHost: 127\.0\.0\.1:2335\r\n/);
    const head = await page.next('http-head');
    assert.equal(head.status, 200);
    assert.equal(head.framing, 'content-length');
    const end = await page.next('http-end');
    assert.equal(end.outcome, 'complete', end.detail);
    assert.equal(page.bytes('http-body').toString(), '<h1>你好</h1>\n');
    assert.match(page.bytes('http-raw').toString('latin1'), /^HTTP\/1\.0 200 OK\r\n[\s\S]*Content-Length: 16\r\n/);
  });

  test('a response with no length and no close keeps the preview waiting, until the learner stops it', async () => {
    page.clear();
    socket.httpGet('page', 2333, '/');
    const head = await page.next('http-head');
    assert.equal(head.framing, 'until-close');
    await page.next('http-body');
    // The response never ends: for a while, no end may be reported.
    await letTimePass(1500);
    assert.equal(
      page.events.some((e) => e.kind === 'http-end'),
      false,
      'still waiting',
    );
    socket.httpCancel('page');
    assert.equal((await page.next('http-end')).outcome, 'cancelled');
    assert.match(page.bytes('http-body').toString(), /still here/);
  });

  test('a chunked response is de-chunked for the page and complete at its last chunk', async () => {
    page.clear();
    socket.httpGet('page', 2334, '/');
    assert.equal((await page.next('http-head')).framing, 'chunked');
    const end = await page.next('http-end');
    assert.equal(end.outcome, 'complete', end.detail);
    assert.equal(page.bytes('http-body').toString(), 'hello chunked 世界');
    assert.match(page.bytes('http-raw').toString('latin1'), /\r\n6\r\nhello \r\n/);
  });

  test('nothing listening: the preview says the connection was refused', async () => {
    page.clear();
    socket.httpGet('page', 2399, '/');
    const end = await page.next('http-end');
    assert.equal(end.outcome, 'refused');
    assert.match(end.detail, /Connection refused/);
  });

  test("the preview reaches only the learner's own loopback, never the backend", async () => {
    page.clear();
    socket.httpGet('page', Number(new URL(lab.url).port), '/');
    assert.equal((await page.next('http-end')).outcome, 'refused');
  });

  test('the WebSocket pane shows the handshake, both directions of messages and the close code', async () => {
    ws.clear();
    socket.wsConnect('ws', 8765, '/');
    const handshake = await ws.next('ws-handshake');
    assert.equal(handshake.accepted, true, handshake.problem);
    assert.match(handshake.request, /\r\nUpgrade: websocket\r\n[\s\S]*Sec-WebSocket-Key: /);
    assert.match(handshake.response, /^HTTP\/1\.1 101 Switching Protocols[\s\S]*Sec-WebSocket-Accept: /);
    socket.wsSend('ws', '你好');
    const messages = () =>
      ws.events.flatMap((e) =>
        e.kind === 'ws-message' ? [`${e.direction} ${Buffer.from(e.data, 'base64').toString()}`] : [],
      );
    await ws.until(() => messages().length >= 2, 'the echo');
    assert.deepEqual(messages(), ['out 你好', 'in echo: 你好']);
    socket.wsSend('ws', 'bye');
    const closed = await ws.next('ws-closed');
    assert.deepEqual([closed.code, closed.reason, closed.by], [4000, 'as you wish', 'server']);
  });

  test('a WebSocket handshake with a plain HTTP server fails and says why', async () => {
    ws.clear();
    socket.wsConnect('ws', 2335, '/');
    const handshake = await ws.next('ws-handshake');
    assert.equal(handshake.accepted, false);
    // http.server serves the directory listing, upgrade headers or not.
    assert.match(handshake.problem, /answered 200 instead of 101 Switching Protocols/);
    await ws.next('ws-closed');
  });

  test('the learner disconnecting closes cleanly with 1000', async () => {
    ws.clear();
    socket.wsConnect('ws', 8765, '/');
    assert.equal((await ws.next('ws-handshake')).accepted, true);
    socket.wsDisconnect('ws');
    const closed = await ws.next('ws-closed');
    assert.deepEqual([closed.code, closed.by], [1000, 'client']);
  });

  test('pane messages for panes that do not exist, or of the wrong kind, are refused', async () => {
    page.clear();
    socket.wsConnect('page', 8765, '/');
    await page.until(() => page.errors.some((e) => e.code === 'unknown-pane'), 'unknown-pane');
    ws.clear();
    socket.wsSend('ws', 'nobody listens');
    await ws.until(() => ws.errors.some((e) => e.code === 'not-connected'), 'not-connected');
    // Every request above has ended: their forwarders go too (each closes on its own schedule).
    const forwarders = async () => (await shell.exec('ps -eo args')).output.match(/^\/usr\/bin\/socat .*$/gm) ?? [];
    let left: string[] = [];
    const gone = async () => (left = await forwarders()).length === 0;
    await eventually(gone, () => `the forwarders to end; still running:\n${left.join('\n')}`, 5000);
    assert.deepEqual(await forwarders(), [], 'no forwarder is left behind');
  });
});
