/**
 * Lesson 5 in a real sandbox, the way the lesson runs it: the note's server (syntax fixed only) answers with a
 * response that has no length and never ends, the fixed servers answer completely, the charset demo serves GB2312
 * without (and with a wrong) charset, and `python3 -m http.server` and node:http show what real servers send.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { lessonLab, type LessonLab } from '../support/lesson-tools.ts';
import { listening, type Output } from '../support/terminal-output.ts';

/** What t1's commands run, in examples/05-http-by-hand/lab.json. */
const T1 = {
  note: 'python3 note_server.py',
  python: 'python3 server.py',
  typescript: 'node server.ts',
  charsetPy: 'python3 charset.py',
  charsetTs: 'node charset.ts',
  httpServer: 'python3 -m http.server 2333',
  nodeHttp: 'node http_server.ts',
};
/** t2's. */
const T2 = {
  curl: 'curl -v http://127.0.0.1:2333/',
  curlMaxTime: 'curl -v --max-time 3 http://127.0.0.1:2333/',
  longRequest: `curl -v -H "Cookie: session=$(head -c 1500 /dev/zero | tr '\\0' a)" http://127.0.0.1:2333/`,
};
/** t3's. */
const T3 = { noteClient: 'python3 note_client.py' };

const URL = 'http://127.0.0.1:2333/';
/** The note's <h1> line in GB2312, as its server sends it: "<h1> 不要…". */
const NOTE_BODY_BYTES = 52;

/** One learner (one sandbox, one loopback) with the lab's three terminals, and the helpers every test uses. */
function learner(lab: LessonLab) {
  const L = lab.learner(['t1', 't2', 't3']);
  // A failed test must not leave its programs behind for the next one.
  afterEach(() => L.stopAll());

  return {
    ...L,
    /** Runs one of t1's servers and waits until port 2333 accepts connections; returns what it shows. */
    async startServer(run: string): Promise<Output> {
      const server = L.t1.run(run);
      await L.t1.waitForStatus('running');
      await listening(L.t3, L.t1);
      return server;
    },
    async stopServer(): Promise<void> {
      L.t1.interrupt();
      await L.t1.waitForStatus('idle');
      const { code } = await L.t3.exec("ss -Htln 'sport = :2333' | grep -c .");
      assert.equal(code, 1, 'nothing listens on 2333 any more');
    },
  };
}

describe('05-http-by-hand', () => {
  const lab = lessonLab('05-http-by-hand');

  // The note's server has no SO_REUSEADDR, so it cannot bind while a TIME_WAIT is left on port 2333 (lesson 4): every
  // fixed server leaves one (it closes first), and so does the note's server once it closes a connection itself. Its
  // own learner, then, with that test last.
  describe("the note's server", () => {
    const L = learner(lab);

    test("the note's server: curl reports no size and times out; the request shows in T1", async () => {
      const served = await L.startServer(T1.note);
      const curl = L.t2.run(T2.curlMaxTime);
      await L.t2.until(() => L.t2.status === 'idle' && L.t2.exitCode === 28, 'curl to give up with exit code 28');
      const out = curl.text();
      assert.match(out, /< HTTP\/1\.1 200 OK \n/);
      assert.match(out, /\* no chunk, no close, no size\. Assume close to signal end/);
      assert.match(
        out,
        new RegExp(`Operation timed out after 3\\d{3} milliseconds with ${NOTE_BODY_BYTES} bytes received`),
      );
      // The body is GB2312: in a UTF-8 terminal the Chinese is broken, the tags are not.
      assert.match(out, /<h1> \uFFFD+.*<\/h1>/);
      assert.match(
        served.text(),
        /服务端收到客户端发来的消息:GET \/ HTTP\/1\.1\nHost: 127\.0\.0\.1:2333\nUser-Agent: curl\/7\.88/,
      );
      await L.stopServer();
    });

    test("the note's server: one recv(1024) cuts a long request, and the unread rest turns close into a reset", async () => {
      const server = await L.startServer(T1.note);
      const curl = await L.t2.start(T2.longRequest, /no chunk, no close, no size/);
      const served = await server.wait(/Cookie: session=a+/);
      const cookie = /Cookie: session=(a+)/.exec(served)?.[1] ?? '';
      assert.ok(cookie.length > 500 && cookie.length < 1500, `the server printed ${cookie.length} of 1500 bytes`);
      assert.ok(
        Buffer.byteLength(served.slice(served.indexOf('GET /'), served.indexOf(cookie) + cookie.length)) <= 1024,
      );
      await L.t3.exec(`curl -s --max-time 1 -o /dev/null ${URL}`);
      await L.t2.until(() => L.t2.status === 'idle' && L.t2.exitCode === 56, 'curl to fail with exit code 56');
      assert.match(curl.text(), /Recv failure: Connection reset by peer/);
      await L.stopServer();
    });

    test("the note's client gets the bytes meant for a browser", async () => {
      const server = await L.startServer(T1.note);
      await L.t3.start(T3.noteClient, '>>');
      await L.t3.ask('你好', /客户端收到服务器回复的消息:HTTP\/1\.1 200 OK/);
      await server.wait('服务端收到客户端发来的消息:你好');
      await L.t3.stop();
      await L.stopServer();
    });

    // Last: it leaves a TIME_WAIT on port 2333 that even the fixed server cannot bind over for a minute.
    test("the note's server: a waiting request ends only when the next connection arrives", async () => {
      await L.startServer(T1.note);
      const curl = await L.t2.start(T2.curl, /no chunk, no close, no size/);
      assert.equal(L.t2.status, 'running', 'curl keeps waiting');
      // A second connection: the note's server accepts it, `conn` is reassigned and the first socket is closed.
      const second = await L.t3.exec(`curl -s --max-time 2 -o /dev/null ${URL}`);
      assert.equal(second.code, 28, 'the second request waits in turn');
      await L.t2.until(() => L.t2.status === 'idle' && L.t2.exitCode === 0, 'the first curl to finish');
      assert.match(curl.text(), /\* Closing connection 0/);
      await L.stopServer();
      const fixed = L.t1.run(T1.python);
      await L.t1.until(() => L.t1.status === 'idle' && L.t1.exitCode === 1, 'the fixed server to fail to start');
      assert.match(fixed.text(), /OSError: \[Errno 98\] Address already in use/);
      assert.match((await L.t3.exec("ss -Htan state time-wait 'sport = :2333'")).output, /127\.0\.0\.1:2333\s/);
    });
  });

  describe('the fixed servers, the charset demo and real servers', () => {
    const L = learner(lab);

    for (const [name, command] of [
      ['Python', T1.python],
      ['TypeScript', T1.typescript],
    ] as const) {
      test(`the fixed server (${name}): a complete response with Content-Length, then close`, async () => {
        const served = await L.startServer(command);
        const { output, code } = await L.t2.exec(`curl -sv --max-time 3 -o page.html ${URL}`);
        assert.equal(code, 0, output);
        assert.match(output, /< HTTP\/1\.1 200 OK\n< Content-Type: text\/html; charset=utf-8\n< Content-Length: \d+\n/);
        assert.match(output, /< Connection: close/);
        assert.doesNotMatch(output, /no chunk/);
        const length = Number(/Content-Length: (\d+)/.exec(output)?.[1]);
        assert.equal((await L.t2.exec('wc -c < page.html')).output.trim().split('\n').at(-1), String(length));
        assert.match((await L.t2.exec('cat page.html')).output, /<h1>不要回答！！！不要回答！！！不要回答！！！<\/h1>/);
        assert.match(served.text(), /--- 来自 127\.0\.0\.1:\d+ 的请求 ---\nGET \/ HTTP\/1\.1\nHost: 127\.0\.0\.1:2333/);

        // Connection: close, so a second URL on the same command line needs a new connection.
        const two = await L.t2.exec(`curl -sv --max-time 3 -o /dev/null -o /dev/null ${URL} ${URL}again`);
        assert.equal(two.code, 0, two.output);
        assert.equal(two.output.match(/Connected to 127\.0\.0\.1/g)?.length, 2);
        assert.doesNotMatch(two.output, /Re-using existing connection/);

        // A long request is read to its blank line: nothing is cut, nothing is reset.
        const long = await L.t2.exec(
          `curl -s --max-time 3 -o /dev/null -w '%{http_code}' -H "Cookie: session=$(head -c 1500 /dev/zero | tr '\\0' a)" ${URL}`,
        );
        assert.equal(long.code, 0, long.output);
        await served.wait(/Cookie: session=a{1500}\n/);
        await L.stopServer();
      });
    }

    for (const [name, command] of [
      ['Python', T1.charsetPy],
      ['TypeScript', T1.charsetTs],
    ] as const) {
      test(`the charset demo (${name}): GB2312 without a charset, and UTF-8 labelled GB2312`, async () => {
        await L.startServer(command);
        const none = await L.t2.exec(`curl -s -D - -o none.bin ${URL}none; od -An -tx1 -w64 none.bin | head -1`);
        assert.match(none.output, /Content-Type: text\/html\n/);
        assert.doesNotMatch(none.output, /charset/i);
        // 不要 in GB2312 right after <h1>
        assert.match(none.output, /3c 68 31 3e b2 bb d2 aa/);
        const decoded = await L.t2.exec(
          `python3 -c "import sys; print(open('none.bin','rb').read().decode('gb2312'))" | grep -c 不要回答`,
        );
        assert.equal(decoded.code, 0, decoded.output);

        const wrong = await L.t2.exec(`curl -s -D - -o wrong.bin ${URL}wrong; od -An -tx1 -w64 wrong.bin | head -1`);
        assert.match(wrong.output, /Content-Type: text\/html; charset=gb2312\n/);
        // 不要 in UTF-8
        assert.match(wrong.output, /3c 68 31 3e e4 b8 8d e8 a6 81/);
        assert.match((await L.t2.exec(`curl -s -D - -o /dev/null ${URL}meta`)).output, /Content-Type: text\/html\n/);
        assert.match((await L.t2.exec(`curl -s ${URL}meta`)).output, /<meta charset="gb2312">/);
        await L.stopServer();
      });
    }

    test('python3 -m http.server serves index.html over HTTP/1.0; node:http keeps the connection alive', async () => {
      const served = await L.startServer(T1.httpServer);
      assert.match(served.text(), /Serving HTTP on/);
      const { output, code } = await L.t2.exec(`curl -sv --max-time 3 -o served.html ${URL}`);
      assert.equal(code, 0, output);
      assert.match(
        output,
        /\* HTTP 1\.0, assume close after body\n< HTTP\/1\.0 200 OK\n< Server: SimpleHTTP\/0\.6 Python\/3\.11/,
      );
      assert.match(output, /< Content-type: text\/html\n/);
      const length = /Content-Length: (\d+)/.exec(output)?.[1];
      assert.equal((await L.t2.exec('wc -c < index.html')).output.trim().split('\n').at(-1), length);
      assert.equal((await L.t2.exec('cmp served.html index.html')).code, 0);
      await served.wait(/"GET \/ HTTP\/1\.1" 200 -/);
      await L.stopServer();

      await L.startServer(T1.nodeHttp);
      const two = await L.t2.exec(`curl -sv --max-time 3 -o /dev/null -o /dev/null ${URL} ${URL}again`);
      assert.equal(two.code, 0, two.output);
      assert.match(two.output, /< Connection: keep-alive\n< Keep-Alive: timeout=5\n< Content-Length: \d+/);
      assert.match(two.output, /Re-using existing connection #0/);
      assert.equal(two.output.match(/Connected to 127\.0\.0\.1/g)?.length, 1);
      await L.stopServer();
    });
  });
});
