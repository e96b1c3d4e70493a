/**
 * The lab follows the page: terminals switch colours with Starlight's light/dark theme, and on a phone-sized window
 * the panes stack in one column and the terminals shrink to fit, as the programs inside them see it.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserLab } from '../support/browser.ts';
import { TIMEOUT } from '../support/chromium.ts';
import { openLab, pane, typeInto, waitForScreen, waitForState } from '../support/lab-terminals.ts';
import { LESSON_01 } from '../support/site-text.ts';

/**
 * The background a terminal's screen shows, as [r, g, b]: the first opaque background behind a point of its screen.
 * (xterm.js 6 paints its theme on its scrollable element; .xterm-viewport keeps xterm.css's black underneath, unseen.)
 */
async function terminalBackground(page: Page, terminal: string): Promise<[number, number, number]> {
  // Looked at, as a learner would: with all panes shown, the lab's column scrolls them.
  await pane(page, terminal).scrollIntoViewIfNeeded();
  const css = await pane(page, terminal)
    .locator('[data-screen]')
    .evaluate((screen) => {
      const box = screen.getBoundingClientRect();
      // Near the bottom: below the prompt, where nothing is written.
      let element = document.elementFromPoint(box.left + box.width / 2, box.bottom - 12);
      if (!element || !screen.contains(element)) return `not the screen: ${element?.outerHTML.slice(0, 100)}`;
      for (; element; element = element.parentElement) {
        const background = getComputedStyle(element).backgroundColor;
        if (!/^rgba\(.*, 0\)$|^transparent$/.test(background)) return background;
      }
      return 'no background at all';
    });
  const rgb = /^rgba?\((\d+), (\d+), (\d+)/.exec(css);
  assert.ok(rgb, `not a colour: ${css}`);
  return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
}

/** Polls the terminal's background until `wanted` holds (a theme change repaints on the next frame or so). */
async function waitForBackground(
  page: Page,
  terminal: string,
  wanted: (rgb: [number, number, number]) => boolean,
): Promise<[number, number, number]> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const rgb = await terminalBackground(page, terminal);
    if (wanted(rgb) || Date.now() > deadline) return rgb;
    await page.waitForTimeout(100);
  }
}

/** Relative luminance, 0 (black) to 1 (white), near enough for telling dark from light. */
const luminance = ([r, g, b]: [number, number, number]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

/** Asks the shell in `terminal` for its size: what every program there sees, after the browser's resize. */
async function sttySize(page: Page, terminal: string, tag: string): Promise<{ rows: number; cols: number }> {
  await waitForState(page, terminal, 'idle');
  // The marker is computed by the shell, so the echo of the typed line cannot match it.
  await typeInto(page, terminal, `echo "${tag}=$(stty size | tr ' ' x)=$((1+1))"\r`);
  const screen = await waitForScreen(page, terminal, new RegExp(`${tag}=\\d+x\\d+=2`));
  const [, rows, cols] = new RegExp(`${tag}=(\\d+)x(\\d+)=2`).exec(screen.replace(/\n/g, '')) as RegExpExecArray;
  return { rows: Number(rows), cols: Number(cols) };
}

describe('theme and layout', () => {
  const web = browserLab();
  let page: Page;
  let errors: string[];

  before(async () => {
    // Light to begin with, whatever the machine prefers: Starlight's "auto" follows prefers-color-scheme.
    ({ page, errors } = await web.open(LESSON_01.zh, { colorScheme: 'light' }));
  });

  test("the terminals follow Starlight's theme, live and after a reload", async () => {
    const themeMenu = page.locator('header starlight-theme-select select');
    const setTheme = async (theme: 'light' | 'dark') => {
      await themeMenu.selectOption(theme);
      await page.waitForFunction((t) => document.documentElement.dataset['theme'] === t, theme);
    };

    await setTheme('light');
    const light = await terminalBackground(page, 't1');
    assert.ok(luminance(light) > 0.7, `light theme, but the terminal is rgb(${light.join(', ')})`);

    await setTheme('dark');
    // The terminals are repainted on the theme change itself, no reload needed (lab-app.ts watches data-theme).
    const dark = await waitForBackground(page, 't1', (rgb) => luminance(rgb) < 0.3);
    assert.ok(luminance(dark) < 0.3, `dark theme, but the terminal is rgb(${dark.join(', ')})`);
    for (const id of ['t2', 't3', 't4']) {
      assert.deepEqual(await terminalBackground(page, id), dark, `terminal ${id} did not follow the theme`);
    }

    // Starlight remembers the choice; a reloaded page starts its terminals dark.
    await page.reload();
    await openLab(page);
    assert.equal(await page.evaluate(() => localStorage.getItem('starlight-theme')), 'dark');
    assert.deepEqual(await terminalBackground(page, 't1'), dark);

    await setTheme('light');
    assert.deepEqual(await waitForBackground(page, 't1', (rgb) => luminance(rgb) > 0.7), light);
    assert.deepEqual(errors, []);
  });

  test('a narrow window stacks the panes in one column and the terminals shrink to fit', async () => {
    const ids = ['t1', 't2', 't3', 't4'];
    const boxes = () => Promise.all(ids.map((id) => pane(page, id).boundingBox()));
    const stacked = async (width: number) => {
      const all = await boxes();
      for (const [i, box] of all.entries()) {
        assert.ok(box, `pane ${ids[i]} is not displayed`);
        assert.ok(box.x >= 0 && box.x + box.width <= width + 0.5, `pane ${ids[i]} sticks out: ${JSON.stringify(box)}`);
        const above = all[i - 1];
        if (above) {
          assert.ok(Math.abs(box.x - above.x) < 1, `at ${width}px pane ${ids[i]} is not under pane ${ids[i - 1]}`);
          assert.ok(box.y >= above.y + above.height - 0.5, `at ${width}px pane ${ids[i]} overlaps pane ${ids[i - 1]}`);
        }
      }
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= width, `at ${width}px the page scrolls sideways: ${scrollWidth}px wide`);
    };

    // On a desktop, in the lab's column beside the text, all four panes shown sit two by two.
    const desktop = await boxes();
    assert.ok(
      desktop.some((box, i) => i > 0 && box && desktop[0] && Math.abs(box.y - desktop[0].y) < 1),
      'at 1400px some panes should sit side by side (otherwise this test shows nothing)',
    );

    // Below 75rem the lab goes under the text, as wide as the window, and below 800px Starlight drops its sidebar: at
    // 560px the panes stack, each wider than a desktop's two-up pane. So the phone is compared with this.
    await page.setViewportSize({ width: 560, height: 900 });
    await page.locator('socket-lab').scrollIntoViewIfNeeded();
    await stacked(560);
    const tablet = await sttySize(page, 't4', 'tablet');

    await page.setViewportSize({ width: 420, height: 900 });
    await page.locator('socket-lab').scrollIntoViewIfNeeded();
    await stacked(420);
    const phone = await sttySize(page, 't4', 'phone');
    assert.ok(phone.cols < tablet.cols, `the terminal did not shrink: ${tablet.cols} -> ${phone.cols} columns`);
    assert.ok(phone.cols >= 20, `a ${phone.cols}-column terminal is unusable`);
    // The rows are the pane's fixed height: narrowing the window must not change them.
    assert.equal(phone.rows, tablet.rows);
    assert.deepEqual(errors, []);
  });

  test('each terminal fits inside its pane, so typing never scrolls the pane', async () => {
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.locator('socket-lab').scrollIntoViewIfNeeded();
    // Every problem found, not just the first: the symptom and its cause read best together.
    const problems: string[] = [];

    // What a learner sees when a terminal does not fit: focusing it (a click, Run) makes the browser scroll the pane
    // to show the caret (overflow: hidden still scrolls), and the pane's title bar slides up under its top edge.
    await waitForState(page, 't3', 'idle');
    await typeInto(page, 't3', 'echo typed\r');
    await waitForScreen(page, 't3', /^typed$/m);
    for (const id of ['t1', 't2', 't3', 't4']) {
      const scrolled = await pane(page, id).evaluate((section) => section.scrollTop);
      if (scrolled !== 0) problems.push(`pane ${id} is scrolled by ${scrolled}px: its title bar is cut off at the top`);
    }

    for (const id of ['t1', 't2', 't3', 't4']) {
      const fit = await pane(page, id).evaluate((section) => {
        const screen = section.querySelector('[data-screen]') as HTMLElement;
        const style = getComputedStyle(screen);
        const box = screen.getBoundingClientRect();
        const grid = (section.querySelector('.xterm-screen') as HTMLElement).getBoundingClientRect();
        return {
          spaceBottom: box.bottom - parseFloat(style.paddingBottom),
          gridBottom: grid.bottom,
          overflow: section.scrollHeight - section.clientHeight,
        };
      });
      if (fit.gridBottom > fit.spaceBottom + 0.5) {
        problems.push(
          `terminal ${id}'s rows end ${(fit.gridBottom - fit.spaceBottom).toFixed(1)}px below its screen area`,
        );
      }
      // Rows reaching past the pane are clipped by its overflow: hidden: the last row loses its bottom pixels.
      if (fit.overflow > 0) problems.push(`pane ${id}'s content is ${fit.overflow}px taller than the pane`);
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(errors, []);
  });
});
