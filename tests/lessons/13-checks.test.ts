/**
 * Lesson 13's checks, each both ways: unchecked before and after a wrong try, checked after the right action. Mono
 * compiles the server first, which takes a few seconds.
 */
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { openLesson } from '../support/lesson-tools.ts';

const COMPILE_MS = 60_000;
const SERVER = 'mcs Server.cs && mono Server.exe';
const mono = existsSync('/usr/bin/mcs') ? {} : { skip: 'Mono (mono-mcs) is not installed' };

describe("lesson 13's checks", () => {
  const lesson = openLesson('13-httplistener', ['t1', 't2', 't3']);
  const { t1, t2, checks } = lesson;

  test('listener-page, chunked, forgot: each from its own request', mono, async () => {
    for (const id of ['listener-page', 'chunked', 'forgot', 'keepalive-off']) await checks.unchecked(id);
    await t2.runToEnd('curl -i http://127.0.0.1:2333/');
    await checks.staysUnchecked('listener-page', 1500);
    await t1.start(SERVER, '2333', COMPILE_MS);
    await checks.passes('listener-page');
    await t2.runToEnd('curl -i http://127.0.0.1:2333/');
    await checks.staysUnchecked('chunked', 1000);
    await checks.unchecked('forgot');
    await checks.unchecked('keepalive-off');
    await t2.runToEnd('curl -i --raw http://127.0.0.1:2333/chunked');
    await checks.passes('chunked');
    await t2.runToEnd('curl -v --max-time 3 http://127.0.0.1:2333/forgot');
    await checks.passes('forgot');
    await lesson.stopAll();
  });

  test('keepalive-off: Connection: close only once Page sets KeepAlive = false', mono, async () => {
    await lesson.edit('Server.cs', (text) =>
      text.replace(
        '        response.ContentLength64 = body.Length;',
        '        response.ContentLength64 = body.Length;\n        response.KeepAlive = false;',
      ),
    );
    await checks.staysUnchecked('keepalive-off', 3000);
    await t1.start(SERVER, '2333', COMPILE_MS);
    await t2.runToEnd('curl -i http://127.0.0.1:2333/');
    await checks.passes('keepalive-off');
    await lesson.stopAll();
  });
});
