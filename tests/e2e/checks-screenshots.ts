/**
 * Screenshots of the checks and the progress marks, for a human to look at: not a test (node --test does not pick it
 * up). Run it by hand after `npx astro build`:
 *
 *   node tests/e2e/checks-screenshots.ts [output dir, default test-results/checks]
 *
 * Each shot: lesson 1 with its server run (one check passed) and one hint open, at 1440x900 and 390x844, in zh and en,
 * light and dark; then the page reloaded (the sidebar's mark) and the home page's progress line.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { collectPageErrors } from '../support/chromium.ts';
import { openLab, runCommand, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01, type Lang } from '../support/site-text.ts';
import { PROJECT_ROOT } from '../support/lab-harness.ts';
import { takeShots } from '../support/shots.ts';

const outDir = path.resolve(process.argv[2] ?? path.join(PROJECT_ROOT, 'test-results', 'checks'));

type Shot = { lang: Lang; theme: 'light' | 'dark'; size: 'desktop' | 'phone' };
const SIZES = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;
const SHOTS: Shot[] = (['zh', 'en'] as const).flatMap((lang) =>
  (['light', 'dark'] as const).flatMap((theme) =>
    (['desktop', 'phone'] as const).map((size) => ({ lang, theme, size })),
  ),
);

async function shoot(browser: Browser, url: string, shot: Shot): Promise<string[]> {
  const context = await browser.newContext({ viewport: SIZES[shot.size], deviceScaleFactor: 1 });
  try {
    await context.addInitScript((theme) => localStorage.setItem('starlight-theme', theme), shot.theme);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url + LESSON_01[shot.lang]);
    await openLab(page);
    await runCommand(page, shot.lang, 't1', 'python3 server.py');
    await waitForScreen(page, 't1', '正在监听');
    await page.locator('[role="checkbox"][aria-checked="true"]').first().waitFor();
    await page.locator('[data-action="hint"]').nth(1).click();
    await page.waitForTimeout(300);
    const name = `${shot.lang}-${shot.theme}-${shot.size}`;
    const checks = path.join(outDir, `checks-${name}.png`);
    await page.locator('.lab-checks').screenshot({ path: checks, animations: 'disabled' });

    await page.reload();
    await page.locator('#starlight__sidebar a[data-progress]').first().waitFor({ state: 'attached' });
    if (shot.size === 'desktop') {
      await page.screenshot({ path: path.join(outDir, `sidebar-${name}.png`), animations: 'disabled' });
    }
    await page.goto(url + (shot.lang === 'zh' ? '/' : '/en/'));
    await page.locator('[data-course-progress]').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(outDir, `home-${name}.png`), animations: 'disabled' });
    return [checks, ...errors];
  } finally {
    await context.close();
  }
}

await takeShots(outDir, SHOTS, shoot);
