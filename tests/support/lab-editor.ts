/**
 * A lab's editor pane in the browser: its text as CodeMirror draws it, and waiting for what it shows.
 */
import type { Locator, Page } from 'playwright-core';
import { TIMEOUT } from './chromium.ts';

/** The editor pane of the page's lab. */
export function editorPane(page: Page): Locator {
  return page.locator('section[data-editor]');
}

/**
 * The text of the file in the editor. CodeMirror draws only the lines near the visible ones, so the editor is scrolled
 * from top to bottom and what it drew on the way is joined (lines may repeat: enough to look for a line in it).
 */
export function editorText(page: Page): Promise<string> {
  return editorPane(page)
    .locator('.cm-scroller')
    .evaluate(async (scroller) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const seen: string[] = [];
      const start = scroller.scrollTop;
      for (let top = 0; ; top += scroller.clientHeight) {
        scroller.scrollTop = top;
        await frame();
        seen.push((scroller.querySelector('.cm-content') as HTMLElement).innerText);
        if (top + scroller.clientHeight >= scroller.scrollHeight) break;
      }
      scroller.scrollTop = start;
      return seen.join('\n');
    });
}

/** Waits until the editor shows `pattern` (or, with `absent`, no longer does). */
export async function waitForEditor(page: Page, pattern: RegExp, { absent = false } = {}): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const text = await editorText(page).catch(() => '');
    if (pattern.test(text) !== absent) return;
    if (Date.now() > deadline)
      throw new Error(`the editor never ${absent ? 'lost' : 'showed'} ${String(pattern)}:\n${text}`);
    await page.waitForTimeout(100);
  }
}
