/**
 * Screenshots of a lesson beside its lab, for a human to look at: not a test (node --test does not pick it up). Run
 * it by hand after `npx astro build`:
 *
 *   node tests/e2e/layout-screenshots.ts [output dir, default /tmp/layout-screenshots]
 *
 * Lesson 1 on a desktop (1440×900: text and lab side by side, the server started from a snippet in the text, then two
 * terminals side by side) and on a phone (390×844: the text with its jump control, its snippets, then the lab), in
 * both languages and both themes.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors } from '../support/chromium.ts';
import { openLab, runSnippet, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01, type Lang } from '../support/site-text.ts';
import { takeShots } from '../support/shots.ts';

const outDir = path.resolve(process.argv[2] ?? '/tmp/layout-screenshots');

const SCREENS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;
const SERVER = { zh: '服务端', en: 'Server' } as const;
const CLIENT = { zh: '客户端 1', en: 'Client 1' } as const;

interface Shot {
  lang: Lang;
  theme: 'light' | 'dark';
  screen: keyof typeof SCREENS;
}

const SHOTS: Shot[] = [];
for (const screen of ['desktop', 'phone'] as const) {
  for (const lang of ['zh', 'en'] as const) {
    for (const theme of ['light', 'dark'] as const) SHOTS.push({ lang, theme, screen });
  }
}

async function snap(page: Page, name: string): Promise<string> {
  // The cursor blinks and a smooth scroll may still be under way: one settled frame is enough for a picture.
  await page.waitForTimeout(400);
  const file = path.join(outDir, name);
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}

async function shoot(browser: Browser, url: string, shot: Shot): Promise<string[]> {
  const context = await browser.newContext({ viewport: SCREENS[shot.screen], deviceScaleFactor: 1 });
  const base = `lesson-01-${shot.screen}-${shot.lang}-${shot.theme}`;
  try {
    await context.addInitScript((t) => localStorage.setItem('starlight-theme', t), shot.theme);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url + LESSON_01[shot.lang]);
    const files: string[] = [];
    const steps = page.getByRole('heading', { level: 2 }).filter({ hasText: /动手做|step by step/i });
    if (shot.screen === 'phone') {
      files.push(await snap(page, `${base}-text.png`));
      await steps.evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
      files.push(await snap(page, `${base}-snippets.png`));
    }
    await openLab(page);
    // Step 2 of the exercise, run from the text: the server, then a client.
    await steps.scrollIntoViewIfNeeded();
    await runSnippet(page, SERVER[shot.lang], 'python3 server.py');
    await waitForScreen(page, 't1', '2333');
    if (shot.screen === 'desktop') {
      await page.evaluate(() => window.scrollBy(0, -200));
      files.push(await snap(page, `${base}.png`));
      await page.getByRole('button', { name: shot.lang === 'zh' ? '两个' : 'Two', exact: true }).click();
    }
    await runSnippet(page, CLIENT[shot.lang], 'python3 client.py');
    await waitForScreen(page, 't2', '>>');
    files.push(await snap(page, `${base}-${shot.screen === 'desktop' ? 'pair' : 'lab'}.png`));
    return [files.join('\n'), ...errors];
  } finally {
    await context.close();
  }
}

await takeShots(outDir, SHOTS, shoot);
