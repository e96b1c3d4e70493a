/**
 * Lesson 1 as a learner meets it, in both languages: real Chromium, the built site, the real backend and sandbox.
 * Run the server, talk to it from a client in Chinese and ASCII, reload and find the same programs, stop the server,
 * and watch the note's original code fail the way the lesson says it does.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserLab } from '../support/browser.ts';
import {
  button,
  openLab,
  runCommand,
  screenText,
  terminalState,
  typeInto,
  waitForScreen,
  waitForState,
} from '../support/lab-terminals.ts';
import { LESSON_01, UI, type Lang } from '../support/site-text.ts';

/** What the commands run, in examples/01-first-client-server/lab.json. */
const T1_NOTE_ORIGINAL = 'python3 note_original.py';
const T1_PYTHON_SERVER = 'python3 server.py';
const T2_PYTHON_CLIENT = 'python3 client.py';

describe('lesson 1 in the browser', () => {
  const web = browserLab();

  for (const lang of ['zh', 'en'] as const satisfies Lang[]) {
    test(`${lang}: server and client talk, a reload re-attaches, Stop ends the server, the note's code fails`, async () => {
      // A context of its own: a fresh learner cookie, so each language gets its own workspace.
      // Nothing is ignored: a lab that works leaves the console clean, across the reload too.
      const { page, errors } = await web.newPage();
      await page.goto(web.lab.url + LESSON_01[lang]);
      assert.equal(await page.locator('html').getAttribute('lang'), lang === 'zh' ? 'zh-CN' : 'en');
      await openLab(page);

      await runCommand(page, lang, 't1', T1_PYTHON_SERVER);
      // server.py speaks Chinese whatever the page's language: it is the lesson's code.
      await waitForScreen(page, 't1', '正在监听 127.0.0.1:2333');
      await runCommand(page, lang, 't2', T2_PYTHON_CLIENT);
      await waitForScreen(page, 't2', '>>');

      const message = `你好，服务端 hello-${lang} 123`;
      // Run focused the client's terminal; clicking its screen makes sure the keys go there and nowhere else.
      await typeInto(page, 't2', message);
      await page.keyboard.press('Enter');
      await waitForScreen(page, 't1', `服务端收到客户端发来的消息: ${message}`);
      await waitForScreen(page, 't2', `客户端收到服务器回复的消息: 服务端已收到: ${message}`);

      // A reload is a new page: it must find the same server and client, with what they printed.
      await page.reload();
      await openLab(page);
      await waitForScreen(page, 't1', `服务端收到客户端发来的消息: ${message}`);
      await waitForScreen(page, 't2', `服务端已收到: ${message}`);
      assert.equal(await terminalState(page, 't1'), 'running', 'the server survived the reload');
      assert.equal(await terminalState(page, 't2'), 'running', 'the client survived the reload');
      assert.equal(await button(page, 't1', UI[lang].run).isDisabled(), true, 'Run is off while the server runs');
      // Still one server: the reload re-attached instead of starting a second one (which could not bind).
      assert.doesNotMatch(await screenText(page, 't1'), /Address already in use/);

      await button(page, 't1', UI[lang].stop).click();
      await waitForState(page, 't1', 'idle');
      const stopped = await waitForScreen(page, 't1', /服务端已停止\s*\n.*learner@socket-lab:~\$\s*$/s);
      assert.match(stopped, /learner@socket-lab:~\$\s*$/, 'the prompt is back');
      assert.equal(await button(page, 't1', UI[lang].run).isEnabled(), true, 'Run is enabled again');
      assert.equal(await button(page, 't1', UI[lang].stop).isDisabled(), true, 'nothing left to stop');
      assert.match(
        (await page.locator('section[data-terminal="t1"] [data-status]').textContent()) ?? '',
        new RegExp(`^${UI[lang].idle}`),
      );

      // It fails to compile within milliseconds: the badge may never be seen running.
      await runCommand(page, lang, 't1', T1_NOTE_ORIGINAL, { waitRunning: false });
      await waitForScreen(page, 't1', 'SyntaxError: bytes can only contain ASCII literal characters');
      await waitForState(page, 't1', 'idle');
      // A long line wraps in a terminal as narrow as the lab's column of four: waitForScreen joins the rows.
      await waitForScreen(page, 't1', /python3 note_original\.py/);

      assert.deepEqual(errors, [], 'the page logged errors');
    });
  }
});
