/**
 * Lesson 13 in a real sandbox, the way the lesson runs it: the C# HttpListener compiled with mcs and run on Mono as
 * the sandbox's non-root learner, then Python's http.server and Node's node:http doing the same. curl checks the
 * headers each one adds, Content-Length vs chunked, a response that never ends, keep-alive, and that Mono's
 * HttpListener cannot accept a WebSocket.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterEach, describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';
import { type Output } from '../support/terminal-output.ts';

/** What t1's commands run, in examples/13-httplistener/lab.json. */
const T1 = {
  csharp: 'mcs Server.cs && mono Server.exe',
  python: 'python3 server.py',
  typescript: 'node server.ts',
  csharpLocalhost: 'mono Server.exe http://localhost:2333/',
  csharpNoSlash: 'mono Server.exe http://127.0.0.1:2333',
};

const URL = 'http://127.0.0.1:2333/';
const WS_HEADERS =
  "-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' " +
  "-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='";
const NO_MONO = existsSync('/usr/bin/mcs') ? false : 'Mono (mono-mcs) is not installed';

describe('13-httplistener', () => {
  const { t1, t2, t3 } = openLesson('13-httplistener', ['t1', 't2', 't3']);

  // A failed test must not leave its server behind for the next one.
  afterEach(() => t1.stop());

  /** Runs one of t1's servers and waits for its start-up line (the first C# run compiles Server.cs first). */
  const startServer = (run: string, started: RegExp): Promise<Output> => t1.start(run, started, 60_000);

  /** curl in t2; the output is what the learner sees (headers with -i, the body, -v's lines). */
  const curl = (args: string) => t2.exec(`curl ${args}`);

  test(
    'C#: compiles and runs as the non-root learner; curl sees the headers Mono adds',
    { skip: NO_MONO },
    async () => {
      const server = await startServer(T1.csharp, /HttpListener 已启动: http:\/\/127\.0\.0\.1:2333\//);
      const id = await t3.exec('id -u');
      assert.notEqual(id.output.trim().split('\n').at(-1), '0', 'the sandbox user is not root');
      assert.match((await t3.exec("ss -Htlnp 'sport = :2333'")).output, /127\.0\.0\.1:2333 .*"mono"/);

      const page = await curl(`-s --max-time 5 -D headers.txt -o page.html ${URL}; cat headers.txt`);
      assert.equal(page.code, 0, page.output);
      assert.match(
        page.output,
        /HTTP\/1\.1 200 OK\nContent-Type: text\/html; charset=utf-8\nServer: Mono-HTTPAPI\/1\.0\nDate: \w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT\nContent-Length: (\d+)\nKeep-Alive: timeout=15,max=100\n/,
      );
      const length = /Content-Length: (\d+)/.exec(page.output)?.[1];
      assert.equal((await t2.exec('wc -c < page.html')).output.trim().split('\n').at(-1), length);
      assert.match((await t2.exec('cat page.html')).output, /<h1>不要回答！！！不要回答！！！不要回答！！！<\/h1>/);
      const served = server.text();
      assert.match(served, /--- 来自 127\.0\.0\.1:\d+ 的请求 ---\nGET \/ HTTP\/1\.1\nHost: 127\.0\.0\.1:2333\n/);
      assert.match(served, /=> 200, Content-Length: \d+/);

      // Keep-alive: curl sends the second request over the same connection.
      const two = await curl(`-sv --max-time 5 -o /dev/null -o /dev/null ${URL} ${URL}chunked`);
      assert.equal(two.code, 0, two.output);
      assert.match(two.output, /Re-using existing connection #0/);
      assert.equal(two.output.match(/Connected to 127\.0\.0\.1/g)?.length, 1);
      await t1.stop();
    },
  );

  test(
    'C#: chunked without ContentLength64, a response without Close() never ends, no WebSocket',
    { skip: NO_MONO },
    async () => {
      const server = await startServer(T1.csharp, /HttpListener 已启动/);
      const chunked = await curl(`-si --raw --max-time 5 ${URL}chunked`);
      assert.equal(chunked.code, 0, chunked.output);
      assert.match(chunked.output, /Transfer-Encoding: chunked\n/);
      assert.doesNotMatch(chunked.output, /Content-Length/);
      // Each Write() is one chunk: its size in hex (10 bytes), the bytes, then the empty last chunk.
      assert.match(chunked.output, /\na\n第一块\n\na\n第二块\n\na\n第三块\n\n0\n/);

      const forgot = await curl(`-v --max-time 3 ${URL}forgot`);
      assert.equal(forgot.code, 28, forgot.output);
      assert.match(forgot.output, /< Transfer-Encoding: chunked/);
      assert.match(forgot.output, /Operation timed out after 3\d{3} milliseconds with 15 bytes received/);

      const ws = await curl(`-si --max-time 5 ${WS_HEADERS} ${URL}ws`);
      assert.equal(ws.code, 0, ws.output);
      assert.match(ws.output, /HTTP\/1\.1 501 Not Implemented/);
      const served = server.text();
      assert.match(served, /IsWebSocketRequest: False/);
      assert.match(
        served,
        /AcceptWebSocketAsync: System\.NotImplementedException: The method or operation is not implemented\./,
      );
      await t1.stop();
    },
  );

  test(
    'C#: prefix rules: a trailing / is required; the Host header must match the prefix',
    { skip: NO_MONO },
    async () => {
      // Server.exe exists after the first test compiled it; compile again in case this test runs alone.
      await t2.exec('test -f Server.exe || mcs Server.cs');
      const noSlash = t1.run(T1.csharpNoSlash);
      await t1.until(() => t1.status === 'idle' && t1.exitCode === 1, 'mono to fail with exit status 1', 30_000);
      assert.match(noSlash.text(), /Unhandled Exception:\nSystem\.ArgumentException: No path specified\./);

      const server = await startServer(T1.csharpLocalhost, /HttpListener 已启动: http:\/\/localhost:2333\//);
      const byIp = await curl(`-si --max-time 5 ${URL}`);
      assert.match(byIp.output, /HTTP\/1\.1 400 Bad Request\n[\s\S]*<h1>Bad Request \(Invalid host\)<\/h1>/);
      const byName = await curl('-si --max-time 5 http://localhost:2333/');
      assert.match(byName.output, /HTTP\/1\.1 200 OK/);
      assert.match(server.text(), /Host: localhost:2333/);
      await t1.stop();
    },
  );

  for (const [name, command, started, forgotBytes, serverHeader] of [
    ['Python', T1.python, /http\.server 已启动/, 22, /Server: BaseHTTP\/0\.6 Python\/3\.11\.\d+\n/],
    ['TypeScript', T1.typescript, /node:http 服务端已启动/, 13, /Connection: keep-alive\nKeep-Alive: timeout=5\n/],
  ] as const) {
    test(`${name}: the same routes: Content-Length, chunked, a response that never ends, no WebSocket`, async () => {
      await startServer(command, started);
      const page = await curl(`-si --max-time 5 ${URL}`);
      assert.equal(page.code, 0, page.output);
      assert.match(page.output, /HTTP\/1\.1 200 OK\n/);
      assert.match(page.output, /Content-Type: text\/html; charset=utf-8\n/);
      assert.match(page.output, /Content-Length: \d+\n/);
      assert.match(page.output, serverHeader);

      const chunked = await curl(`-si --raw --max-time 5 ${URL}chunked`);
      assert.equal(chunked.code, 0, chunked.output);
      assert.match(chunked.output, /Transfer-Encoding: chunked\n[\s\S]*\na\n第一块\n\na\n第二块\n\na\n第三块\n\n0\n/);

      const forgot = await curl(`-v --max-time 3 ${URL}forgot`);
      assert.equal(forgot.code, 28, forgot.output);
      assert.match(
        forgot.output,
        new RegExp(`Operation timed out after 3\\d{3} milliseconds with ${forgotBytes} bytes`),
      );
      if (name === 'Python') assert.match(forgot.output, /no chunk, no close, no size\. Assume close to signal end/);
      else assert.match(forgot.output, /< Transfer-Encoding: chunked/);

      const ws = await curl(`-si --max-time 5 ${WS_HEADERS} ${URL}ws`);
      assert.equal(ws.code, 0, ws.output);
      assert.match(ws.output, /HTTP\/1\.1 501 Not Implemented/);

      const two = await curl(`-sv --max-time 5 -o /dev/null -o /dev/null ${URL} ${URL}chunked`);
      assert.match(two.output, /Re-using existing connection #0/);
      await t1.stop();
    });
  }
});
