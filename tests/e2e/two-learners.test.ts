/**
 * Two learners on the same lesson at the same moment, each in a browser of their own (separate cookies): both run the
 * server on the note's 127.0.0.1:2333, and each client reaches its own learner's server, never the other's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserLab } from '../support/browser.ts';
import { openLab, runCommand, screenText, typeInto, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01 } from '../support/site-text.ts';

/** What the commands run, in examples/01-first-client-server/lab.json. */
const T1_PYTHON_SERVER = 'python3 server.py';
const T2_PYTHON_CLIENT = 'python3 client.py';

describe('two learners at once', () => {
  const web = browserLab();

  test('both bind 127.0.0.1:2333 and each client talks to its own server', async () => {
    const learners = await Promise.all(
      ['alice', 'bob'].map(async (name) => {
        // A browser context is a separate cookie jar: a separate learner, as two people on two machines are.
        return { name, ...(await web.newPage()) };
      }),
    );
    try {
      await Promise.all(learners.map(({ page }) => page.goto(web.lab.url + LESSON_01.zh)));
      await Promise.all(learners.map(({ page }) => openLab(page)));
      const ids = (await Promise.all(learners.map(({ context }) => context.cookies()))).map(
        (jar) => jar.find((cookie) => cookie.name === 'socketlab_learner')?.value,
      );
      assert.ok(ids[0] && ids[1] && ids[0] !== ids[1], `two learners, two ids: ${ids.join(', ')}`);

      // Both press Run at once: the second must not find the port taken by the first.
      await Promise.all(learners.map(({ page }) => runCommand(page, 'zh', 't1', T1_PYTHON_SERVER)));
      await Promise.all(learners.map(({ page }) => waitForScreen(page, 't1', '正在监听 127.0.0.1:2333')));
      for (const { name, page } of learners) {
        assert.doesNotMatch(await screenText(page, 't1'), /Address already in use/, `${name}'s server`);
      }

      await Promise.all(learners.map(({ page }) => runCommand(page, 'zh', 't2', T2_PYTHON_CLIENT)));
      await Promise.all(learners.map(({ page }) => waitForScreen(page, 't2', '>>')));
      // One at a time: the keyboard goes to the focused page, and typing into two pages at once would interleave.
      for (const { name, page } of learners) {
        await typeInto(page, 't2', `来自 ${name} 的消息`);
        await page.keyboard.press('Enter');
      }
      const server = (page: Page) => screenText(page, 't1').then((text) => text.replace(/\n/g, ''));
      for (const { name, page } of learners) {
        await waitForScreen(page, 't1', `服务端收到客户端发来的消息: 来自 ${name} 的消息`);
        await waitForScreen(page, 't2', `服务端已收到: 来自 ${name} 的消息`);
      }
      const [alice, bob] = learners as [(typeof learners)[0], (typeof learners)[0]];
      assert.doesNotMatch(await server(alice.page), /bob/, "bob's message reached alice's server");
      assert.doesNotMatch(await server(bob.page), /alice/, "alice's message reached bob's server");
      for (const { name, errors } of learners) assert.deepEqual(errors, [], `${name}'s page logged errors`);
    } finally {
      await Promise.all(learners.map(({ close }) => close()));
    }
  });
});
