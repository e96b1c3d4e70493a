/**
 * Lesson 1's checks in Chromium: a box turns checked by itself when the learner does the thing (aria-checked flips),
 * a hint is revealed on request, and after a reload the sidebar marks the lesson as in progress; the home page says
 * how far the learner got. Both languages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserLab } from '../support/browser.ts';
import { TIMEOUT } from '../support/chromium.ts';
import { runCommand, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01, type Lang } from '../support/site-text.ts';

const TITLES: Record<Lang, { listening: string; refused: string; hint: string }> = {
  zh: {
    listening: '运行服务端，让它在 127.0.0.1:2333 上监听',
    refused: '没有服务端的时候运行客户端，看它被拒绝',
    hint: '提示',
  },
  en: {
    listening: 'Run the server so that it listens on 127.0.0.1:2333',
    refused: 'Run a client while no server runs, and see it refused',
    hint: 'Hint',
  },
};
const HOME: Record<Lang, string> = { zh: '/', en: '/en/' };

const box = (page: Page, title: string) => page.getByRole('checkbox', { name: title });

describe('checks in the browser', () => {
  const web = browserLab();

  for (const lang of ['zh', 'en'] as const) {
    test(`${lang}: a check turns green by itself, its hint opens, the sidebar and home page show progress`, async () => {
      const { page, errors } = await web.open(LESSON_01[lang]);
      const t = TITLES[lang];
      const listening = box(page, t.listening);
      await listening.waitFor({ timeout: TIMEOUT });
      assert.equal(await listening.getAttribute('aria-readonly'), 'true');
      assert.equal(await listening.getAttribute('aria-checked'), 'false');
      assert.equal(await box(page, t.refused).getAttribute('aria-checked'), 'false');

      // The hint: folded, then shown by its button, named in the page's language.
      const item = page.locator('li', { has: listening });
      const hintButton = item.getByRole('button', { name: t.hint });
      const hint = item.locator('.lab-check-hint');
      assert.equal(await hint.isVisible(), false);
      await hintButton.click();
      assert.equal(await hintButton.getAttribute('aria-expanded'), 'true');
      assert.equal(await hint.isVisible(), true);
      assert.match((await hint.textContent()) ?? '', lang === 'zh' ? /服务端/ : /Server terminal/);

      await runCommand(page, lang, 't1', 'python3 server.py');
      await waitForScreen(page, 't1', '正在监听');
      await page.waitForFunction(
        (name) =>
          [...document.querySelectorAll('[role="checkbox"]')].some(
            (el) => el.getAttribute('aria-checked') === 'true' && el.nextElementSibling?.textContent?.trim() === name,
          ),
        t.listening,
        { timeout: TIMEOUT },
      );
      assert.equal(await box(page, t.refused).getAttribute('aria-checked'), 'false', 'only what was done is checked');

      // After a reload the box is still checked and the sidebar marks lesson 1 as started (one check of five).
      await page.reload();
      await page.locator('#starlight__sidebar a[data-progress="started"]').first().waitFor({ timeout: TIMEOUT });
      const marked = page.locator('#starlight__sidebar a[data-progress]');
      assert.equal(await marked.count(), 1);
      assert.match((await marked.getAttribute('href')) ?? '', /01-first-client-server/);
      await page.waitForFunction(
        (name) =>
          [...document.querySelectorAll('[role="checkbox"]')].some(
            (el) => el.getAttribute('aria-checked') === 'true' && el.nextElementSibling?.textContent?.trim() === name,
          ),
        t.listening,
        { timeout: TIMEOUT },
      );

      await page.goto(web.lab.url + HOME[lang]);
      const summary = page.locator('[data-course-progress]');
      await summary.waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.match(
        (await summary.textContent()) ?? '',
        lang === 'zh' ? /已完成 0\/14 课，通过 1\/\d+ 项检查/ : /0 of 14 lessons done, 1 of \d+ checks passed/,
      );
      assert.deepEqual(errors, []);
    });
  }
});
