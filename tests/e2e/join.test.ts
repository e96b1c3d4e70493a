/**
 * Joining a class as a learner does, in both languages: real Chromium, the built site, the real backend with a
 * passcode. A lesson leads to the join form; a wrong passcode is explained in the page's language; the right one
 * leads back to the lesson, whose terminals work. Also screenshots of the join page (phone and desktop, both themes)
 * into test-results/join/ for a human to look at.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { PASSCODE } from '../support/door.ts';
import { browserLab } from '../support/browser.ts';
import { collectPageErrors, TIMEOUT } from '../support/chromium.ts';
import { openLab, runCommand, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01, UI, type Lang } from '../support/site-text.ts';
import { PROJECT_ROOT } from '../support/lab-harness.ts';

const JOIN_PAGE: Record<Lang, string> = { zh: '/join/', en: '/en/join/' };
const SHOTS_DIR = path.join(PROJECT_ROOT, 'test-results', 'join');

/** Fills the join form by its labels and presses Join, as a learner would. */
async function join(page: Page, lang: Lang, passcode: string, name: string): Promise<void> {
  await page.getByLabel(UI[lang].passcode).fill(passcode);
  await page.getByLabel(UI[lang].displayName).fill(name);
  await page.getByRole('button', { name: UI[lang].join, exact: true }).click();
  await page.waitForLoadState();
}

describe('joining a class in the browser', () => {
  const web = browserLab(['--passcode', PASSCODE]);

  for (const lang of ['zh', 'en'] as const satisfies Lang[]) {
    test(`${lang}: a lesson leads to the join form; a wrong passcode is explained; the right one opens the lesson's lab`, async () => {
      const { page, errors } = await web.newPage();
      await page.goto(web.lab.url + LESSON_01[lang]);
      assert.equal(new URL(page.url()).pathname, JOIN_PAGE[lang], 'the lesson led to the join page');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), UI[lang].joinTitle);
      // Empty, the alert region is not shown (so not in the accessibility tree either).
      assert.equal(await page.locator('form [role="alert"]').textContent(), '', 'no error before a try');

      const name = lang === 'zh' ? '张三' : 'Ann Lee';
      const learners = web.lab.site.lab.store.learners;
      const before = learners.count();
      await join(page, lang, 'not-the-passcode', name);
      assert.equal(new URL(page.url()).searchParams.get('error'), 'wrong-passcode');
      await page.getByRole('alert').getByText(UI[lang].wrongPasscode).waitFor({ timeout: TIMEOUT });
      assert.equal(await page.getByLabel(UI[lang].displayName).inputValue(), name, 'the name is kept for the retry');
      assert.equal(await page.getByLabel(UI[lang].passcode).evaluate((e) => e === document.activeElement), true);
      assert.equal(learners.count(), before, 'the wrong passcode made no learner');

      await join(page, lang, PASSCODE, name);
      assert.equal(new URL(page.url()).pathname, LESSON_01[lang], 'back at the lesson');
      await openLab(page);
      await runCommand(page, lang, 't1', 'python3 server.py');
      await waitForScreen(page, 't1', '正在监听 127.0.0.1:2333');
      const [cookie] = await page.context().cookies();
      assert.equal(cookie?.name, 'socketlab_learner');
      assert.equal(cookie.httpOnly, true, 'no page script can read it');
      assert.equal(learners.get(cookie.value)?.displayName, name);
      assert.deepEqual(errors, [], 'the pages logged errors');
    });
  }

  test('on a phone the join page links to the other language, leading to the same lesson', async () => {
    const { page } = await web.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(web.lab.url + LESSON_01.zh);
    await page.getByRole('link', { name: 'English', exact: true }).click();
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, JOIN_PAGE.en);
    await join(page, 'en', PASSCODE, 'Bilingual');
    assert.equal(new URL(page.url()).pathname, LESSON_01.en);
  });

  test('a lab page whose learner the lab does not know says to join, with the way there', async () => {
    // The lab forgot this class (a new data directory) while the page was open: its socket reconnects, is refused.
    const { page } = await web.newPage();
    await page.goto(web.lab.url + LESSON_01.en);
    await join(page, 'en', PASSCODE, 'Returning');
    await openLab(page);
    await web.restartLab(['--passcode', PASSCODE, '--port', new URL(web.lab.url).port]);
    const banner = page.locator('socket-lab [data-banner]');
    await banner.getByText(UI.en.notJoined).waitFor({ timeout: TIMEOUT });
    await mkdir(SHOTS_DIR, { recursive: true });
    await page.locator('socket-lab').screenshot({ path: path.join(SHOTS_DIR, 'lab-not-joined-en.png') });
    await banner.getByRole('link').click();
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, JOIN_PAGE.en);
    await join(page, 'en', PASSCODE, 'Returning');
    assert.equal(new URL(page.url()).pathname, LESSON_01.en, 'the link carried the lesson along');
    await openLab(page);
  });

  test('screenshots of the join page: desktop and phone, both languages, both themes, with and without an error', async () => {
    await mkdir(SHOTS_DIR, { recursive: true });
    const sizes = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };
    for (const [size, viewport] of Object.entries(sizes)) {
      for (const lang of ['zh', 'en'] as const) {
        for (const theme of ['light', 'dark'] as const) {
          const context = await web.newContext({ viewport, deviceScaleFactor: 1 });
          await context.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
          const page = await context.newPage();
          const errors = collectPageErrors(page);
          for (const error of theme === 'dark' ? [null, 'wrong-passcode'] : [null]) {
            await page.goto(`${web.lab.url}${JOIN_PAGE[lang]}${error ? `?error=${error}` : ''}`);
            await page.getByLabel(UI[lang].passcode).waitFor();
            const file = `join-${lang}-${size}-${theme}${error ? '-error' : ''}.png`;
            await page.screenshot({ path: path.join(SHOTS_DIR, file), fullPage: true, animations: 'disabled' });
          }
          // Nothing overflows sideways on a phone.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${lang} ${size} ${theme}: ${overflow}px wider than the screen`);
          assert.deepEqual(errors, []);
        }
      }
    }
  });
});
