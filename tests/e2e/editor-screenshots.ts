/**
 * Screenshots of the editor, for a human to look at: not a test (node --test does not pick it up). Run it by hand
 * after `npx astro build`:
 *
 *   node tests/e2e/editor-screenshots.ts [output dir, default /tmp/editor-screenshots]
 *
 * Lesson 1's server.py open with an unsaved change and the comparison with the original shown, on a desktop and a
 * phone screen, in both languages and both themes.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { showAllPanes } from '../support/browser.ts';
import { collectPageErrors } from '../support/chromium.ts';
import { editorPane, waitForEditor } from '../support/lab-editor.ts';
import { openLab, typeInto } from '../support/lab-terminals.ts';
import { LESSON_01, UI, type Lang } from '../support/site-text.ts';
import { takeShots } from '../support/shots.ts';

const outDir = path.resolve(process.argv[2] ?? '/tmp/editor-screenshots');

const SCREENS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;

async function shoot(browser: Browser, url: string, lang: Lang, theme: 'light' | 'dark', screen: keyof typeof SCREENS) {
  const context = await browser.newContext({ viewport: SCREENS[screen], deviceScaleFactor: 1 });
  try {
    await showAllPanes(context);
    await context.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url + LESSON_01[lang]);
    await openLab(page);
    const editor = editorPane(page);
    await editor.scrollIntoViewIfNeeded();
    const menu = editor.locator('select[data-file-menu]');
    await menu.locator('option[value="server.py"]').waitFor({ state: 'attached' });
    await menu.selectOption('server.py');
    await waitForEditor(page, /ENCODING/);
    await editor.locator('.cm-content').click();
    await page.keyboard.press('Control+f');
    await editor.locator('.cm-search input[name="search"]').fill('{HOST}:{PORT}');
    await editor.locator('.cm-search input[name="replace"]').fill('{HOST}:{PORT}（大写回复）');
    await editor.getByRole('button', { name: UI[lang].replaceAll, exact: true }).click();
    await page.keyboard.press('Escape');
    await editor.getByRole('button', { name: UI[lang].compare, exact: true }).click();
    await editor.locator('.cm-changedLine').first().waitFor();
    await editor.locator('.cm-changedLine').first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const base = path.join(outDir, `editor-${lang}-${theme}-${screen}`);
    await editor.screenshot({ path: `${base}-pane.png`, animations: 'disabled' });
    await page.screenshot({ path: `${base}-page.png`, animations: 'disabled' });
    // The file changes in the workspace while the edit is unsaved: the pane asks.
    await typeInto(page, 't4', "sed -i 's/2333/2334/' server.py\n");
    await editor.getByRole('button', { name: UI[lang].loadTheirs, exact: true }).waitFor();
    await editor.screenshot({ path: `${base}-notice.png`, animations: 'disabled' });
    return [base, ...errors];
  } finally {
    await context.close();
  }
}

const SHOTS = (['desktop', 'phone'] as const).flatMap((screen) =>
  (['zh', 'en'] as const).flatMap((lang) => (['light', 'dark'] as const).map((theme) => ({ screen, lang, theme }))),
);
await takeShots(outDir, SHOTS, (browser, url, { lang, theme, screen }) => shoot(browser, url, lang, theme, screen));
