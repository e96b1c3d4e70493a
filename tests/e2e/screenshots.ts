/**
 * Screenshots of lesson 1's lab at work, for the docs and for a human to look at: not a test (node --test does not
 * pick it up). Run it by hand after `npx astro build`:
 *
 *   node tests/e2e/screenshots.ts [output dir, default docs/screenshots]
 *
 * Each shot: the Python server in "Server", a message in Chinese and ASCII from "Client 1", a second client queued
 * behind it in "Client 2", and `ss -tan` in "Observe", which is step 1-5 of the lesson's exercise.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { showAllPanes } from '../support/browser.ts';
import { collectPageErrors } from '../support/chromium.ts';
import { openLab, runCommand, typeInto, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01, type Lang } from '../support/site-text.ts';
import { PROJECT_ROOT } from '../support/lab-harness.ts';
import { takeShots } from '../support/shots.ts';

const outDir = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, 'docs', 'screenshots'));

const SHOTS: { file: string; lang: Lang; theme: 'light' | 'dark' }[] = [
  { file: 'lesson-01-zh.png', lang: 'zh', theme: 'light' },
  { file: 'lesson-01-en.png', lang: 'en', theme: 'light' },
  { file: 'lesson-01-zh-dark.png', lang: 'zh', theme: 'dark' },
];

async function shoot(browser: Browser, url: string, shot: (typeof SHOTS)[number]): Promise<string[]> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  try {
    await showAllPanes(context);
    // Starlight reads the choice from localStorage before the first paint: the page never flashes the other theme.
    await context.addInitScript((theme) => localStorage.setItem('starlight-theme', theme), shot.theme);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url + LESSON_01[shot.lang]);
    await openLab(page);

    await runCommand(page, shot.lang, 't1', 'python3 server.py');
    await waitForScreen(page, 't1', '正在监听');
    await runCommand(page, shot.lang, 't2', 'python3 client.py');
    await waitForScreen(page, 't2', '>>');
    await typeInto(page, 't2', shot.lang === 'zh' ? '你好，服务端！hello' : 'hello, 服务端!');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 't2', '服务端已收到');
    await runCommand(page, shot.lang, 't3', 'python3 client.py');
    await waitForScreen(page, 't3', '>>');
    await typeInto(page, 't3', shot.lang === 'zh' ? '我在排队' : 'still waiting');
    await page.keyboard.press('Enter');
    await runCommand(page, shot.lang, 't4', 'ss -tan', { waitRunning: false });
    await waitForScreen(page, 't4', /LISTEN/);
    // The cursor blinks; one settled frame is enough for a picture.
    await page.waitForTimeout(300);

    const file = path.join(outDir, shot.file);
    await page.locator('socket-lab').screenshot({ path: file, animations: 'disabled' });
    return [file, ...errors];
  } finally {
    await context.close();
  }
}

await takeShots(outDir, SHOTS, shoot);
