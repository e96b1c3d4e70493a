/**
 * Screenshots of lesson 1's wire pane at work, for a human to look at: not a test (node --test does not pick it up).
 * Run it by hand after `npx astro build`:
 *
 *   node tests/e2e/wire-screenshots.ts [output dir, default docs/screenshots]
 *
 * Each shot: the server, a first client that sent a message, a second one waiting in the backlog (its handshake done
 * before accept()), and a segment of the message taken apart; at desktop and phone width, in both languages and
 * both themes.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { collectPageErrors } from '../support/chromium.ts';
import { runCommand, typeInto, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01, type Lang } from '../support/site-text.ts';
import { PROJECT_ROOT } from '../support/lab-harness.ts';
import { takeShots } from '../support/shots.ts';

const outDir = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, 'docs', 'screenshots'));

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
type Shot = { file: string; lang: Lang; theme: 'light' | 'dark'; viewport: typeof DESKTOP };
const SHOTS: Shot[] = [];
for (const [size, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  for (const lang of ['zh', 'en'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      SHOTS.push({ file: `wire-${size}-${lang}-${theme}.png`, lang, theme, viewport });
    }
  }
}

const TEXT = {
  zh: { region: '抓包', start: '开始抓包', on: '抓包中', message: '你好，服务端' },
  en: { region: 'Wire', start: 'Start capture', on: 'capturing', message: 'hello, server' },
} as const;

async function shoot(browser: Browser, url: string, shot: Shot): Promise<string[]> {
  const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: 1 });
  try {
    await context.addInitScript((theme) => localStorage.setItem('starlight-theme', theme), shot.theme);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const text = TEXT[shot.lang];
    await page.goto(url + LESSON_01[shot.lang]);
    const wire = page.getByRole('region', { name: text.region, exact: true });
    await wire.scrollIntoViewIfNeeded();
    await wire.getByRole('button', { name: text.start }).click();
    await wire.locator('[data-status]').filter({ hasText: text.on }).waitFor();
    await runCommand(page, shot.lang, 't1', 'python3 server.py');
    await waitForScreen(page, 't1', '2333');
    await runCommand(page, shot.lang, 't2', 'python3 client.py');
    await waitForScreen(page, 't2', '>>');
    await typeInto(page, 't2', text.message);
    await page.keyboard.press('Enter');
    await waitForScreen(page, 't2', '服务端已收到');
    await runCommand(page, shot.lang, 't3', 'python3 client.py');
    await waitForScreen(page, 't3', '>>');
    const data = wire.locator('.wire-seg').filter({ hasText: text.message }).first();
    await data.click();
    await wire.locator('[data-view="detail"]').waitFor();
    // The shot shows the diagram from its first column and no hover; the click may have scrolled it sideways.
    await page.mouse.move(0, 0);
    await wire.locator('.wire-scroll').evaluate((scroller) => (scroller.scrollLeft = 0));
    await page.waitForTimeout(300);
    const file = path.join(outDir, shot.file);
    await wire.screenshot({ path: file, animations: 'disabled' });
    return [file, ...errors];
  } finally {
    await context.close();
  }
}

await takeShots(outDir, SHOTS, shoot);
