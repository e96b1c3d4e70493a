/**
 * The editor in lesson 1, as a learner uses it: real Chromium, the built site, the real backend and sandbox. Open
 * server.py, make the server answer in upper case (search and replace), find the unsaved edit still there after a
 * reload, save with Ctrl-S, run the server and see the change from a client; compare with the original, reset it;
 * and a change from a terminal shows up, or is asked about when the editor has unsaved edits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { showAllPanes } from '../support/browser.ts';
import { collectPageErrors, launchBrowser, TIMEOUT } from '../support/chromium.ts';
import { editorPane, editorText, waitForEditor } from '../support/lab-editor.ts';
import { openLab, runCommand, typeInto, waitForScreen, waitForState } from '../support/lab-terminals.ts';
import { LESSON_01, UI } from '../support/site-text.ts';
import { startTestLab, type TestLab } from '../support/lab-harness.ts';

const ui = UI.zh;

async function badge(page: Page): Promise<string> {
  return (await editorPane(page).locator('[data-status]').textContent()) ?? '';
}

async function waitForBadge(page: Page, text: string): Promise<void> {
  await editorPane(page).locator('[data-status]', { hasText: text }).waitFor({ timeout: TIMEOUT });
}

describe('the editor in lesson 1', () => {
  let lab: TestLab;
  let browser: Browser;

  before(async () => {
    [lab, browser] = await Promise.all([startTestLab(), launchBrowser()]);
  });

  after(async () => {
    await browser?.close();
    await lab?.close();
  });

  test('a lab page loads no CodeMirror until a file is opened in the editor', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const scripts: { url: string; body: Promise<string> }[] = [];
      page.on('response', (response) => {
        if (response.request().resourceType() !== 'script') return;
        scripts.push({ url: response.url(), body: response.text().catch(() => '') });
      });
      /** A class name CodeMirror builds its DOM with: any script containing it carries CodeMirror. */
      const carriesCodeMirror = async () =>
        (await Promise.all(scripts.map(async (s) => ((await s.body).includes('cm-content') ? [s.url] : [])))).flat();
      await page.goto(lab.url + LESSON_01.en);
      await openLab(page);
      // The lab shows one pane at a time to begin with: the editor is a tab, as a learner finds it.
      await page.getByRole('tab', { name: 'Editor', exact: true }).click();
      const menu = editorPane(page).locator('select[data-file-menu]');
      await menu.locator('option[value="server.py"]').waitFor({ state: 'attached', timeout: TIMEOUT });
      await page.waitForLoadState('networkidle');
      assert.deepEqual(await carriesCodeMirror(), [], 'CodeMirror loaded before the editor was used');
      assert.equal(await page.locator('.cm-editor').count(), 0);

      await menu.selectOption('server.py');
      await waitForEditor(page, /ENCODING/);
      await page.waitForLoadState('networkidle');
      const loaded = await carriesCodeMirror();
      assert.ok(loaded.length > 0, 'opening a file loaded no CodeMirror');
      for (const url of loaded) assert.match(new URL(url).pathname, /^\/_astro\/.+\.js$/);

      // The editor follows Starlight's theme, as the terminals do: background and syntax colours change with it.
      const colours = () =>
        editorPane(page)
          .locator('.cm-editor')
          .evaluate((editor) => [
            getComputedStyle(editor).backgroundColor,
            getComputedStyle(editor.querySelector('.tok-keyword') as Element).color,
          ]);
      const before = await colours();
      const other =
        (await page.evaluate(() => document.documentElement.dataset['theme'])) === 'light' ? 'dark' : 'light';
      await page.evaluate((theme) => (document.documentElement.dataset['theme'] = theme), other);
      const after = await colours();
      assert.notEqual(after[0], before[0], 'the background did not change with the theme');
      assert.notEqual(after[1], before[1], 'the keywords did not change colour with the theme');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('edit server.py, keep it across a reload, save, run it, compare, reset; changes from a terminal', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // It drives a terminal and the editor together: all panes shown, as a learner would arrange them for it.
    await showAllPanes(context);
    try {
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(lab.url + LESSON_01.zh);
      await openLab(page);

      const editor = editorPane(page);
      await editor.scrollIntoViewIfNeeded();
      const menu = editor.locator('select[data-file-menu]');
      await menu.locator('option[value="server.py"]').waitFor({ state: 'attached', timeout: TIMEOUT });
      // The lesson's files come first, in their own group.
      const groups = await menu.locator('optgroup').evaluateAll((els) => els.map((g) => g.getAttribute('label')));
      assert.deepEqual(groups, ['课程文件']);
      await menu.selectOption('server.py');
      await waitForEditor(page, /服务端已收到: \{message\}/);
      assert.equal(await badge(page), ui.saved);

      // Search and replace, as a learner would: make the server answer in upper case.
      await editor.locator('.cm-content').click();
      await page.keyboard.press('Control+f');
      await editor.locator('.cm-search input[name="search"]').fill('服务端已收到: {message}');
      await editor.locator('.cm-search input[name="replace"]').fill('服务端已收到: {message.upper()}');
      await editor.getByRole('button', { name: ui.replaceAll, exact: true }).click();
      await waitForEditor(page, /\{message\.upper\(\)\}/);
      await waitForBadge(page, ui.unsaved);
      assert.match((await menu.locator('option[value="server.py"]').textContent()) ?? '', /^● server\.py$/);

      // Not saved yet, and the page reloads: the edit is still there, still unsaved.
      await page.reload();
      await openLab(page);
      await editor.scrollIntoViewIfNeeded();
      await waitForEditor(page, /\{message\.upper\(\)\}/);
      await waitForBadge(page, ui.unsaved);

      await editor.locator('.cm-content').click();
      await page.keyboard.press('Control+s');
      await waitForBadge(page, ui.saved);

      await runCommand(page, 'zh', 't1', 'python3 server.py');
      await waitForScreen(page, 't1', '正在监听 127.0.0.1:2333');
      await runCommand(page, 'zh', 't2', 'python3 client.py');
      await waitForScreen(page, 't2', '>>');
      await typeInto(page, 't2', 'hello, 编辑器');
      await page.keyboard.press('Enter');
      await waitForScreen(page, 't2', '服务端已收到: HELLO, 编辑器');

      // The comparison shows the original's line beside the changed one (looked at: the terminals were in view).
      await editor.scrollIntoViewIfNeeded();
      await editor.getByRole('button', { name: ui.compare, exact: true }).click();
      await editor.locator('.cm-changedLine').first().waitFor({ timeout: TIMEOUT });
      assert.match((await editor.locator('.cm-deletedChunk').first().innerText()).trim(), /\{message\}/);

      page.once('dialog', (dialog) => void dialog.accept());
      await editor.getByRole('button', { name: ui.resetFile, exact: true }).click();
      await waitForEditor(page, /upper\(\)/, { absent: true });
      await waitForBadge(page, ui.saved);
      await waitForState(page, 't4', 'idle');
      await typeInto(page, 't4', "grep -c 'upper()' server.py || echo none-left\n");
      await waitForScreen(page, 't4', 'none-left');

      // A change from a terminal: taken as it is while nothing is unsaved...
      await typeInto(page, 't4', "echo '# 来自终端' >> server.py\n");
      await waitForEditor(page, /# 来自终端/);
      // ...and asked about when there is.
      await editor.locator('.cm-content').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\n# 我的修改');
      await waitForBadge(page, ui.unsaved);
      await typeInto(page, 't4', "sed -i 's/2333/2334/' server.py\n");
      const load = editor.getByRole('button', { name: ui.loadTheirs, exact: true });
      await load.waitFor({ timeout: TIMEOUT });
      assert.match(await editorText(page), /# 我的修改/, 'the unsaved edit is still shown while the pane asks');
      await load.click();
      await waitForEditor(page, /PORT = "127\.0\.0\.1", 2334/);
      await waitForEditor(page, /# 我的修改/, { absent: true });
      await waitForBadge(page, ui.saved);

      assert.deepEqual(errors, [], 'the page logged errors');
    } finally {
      await context.close();
    }
  });
});
