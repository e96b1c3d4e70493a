/**
 * A lesson beside its lab, as a learner uses it: on a desktop the text and the lab side by side with a divider that
 * is remembered, the lab's panes one, two or all at a time without losing a terminal's screen, and on a phone the two
 * stacked with a control that jumps between them. And the runnable snippets of the text: typed into the right
 * terminal, refused for a busy one, and the interrupting kind stopping what runs first.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserLab } from '../support/browser.ts';
import { pane, runSnippet, screenText, typeInto, waitForScreen, waitForState } from '../support/lab-terminals.ts';
import { LESSON_01 } from '../support/site-text.ts';
import { letTimePass } from '../support/waiters.ts';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const TERMINALS = ['t1', 't2', 't3', 't4'];

/** What `tput cols` says in `terminal`: what every program there sees. */
async function columns(page: Page, terminal: string, tag: string): Promise<number> {
  await waitForState(page, terminal, 'idle');
  // The marker is computed by the shell, so the echo of the typed line cannot match it.
  await typeInto(page, terminal, `echo "${tag}=$(tput cols)=$((1+1))"\r`);
  const screen = await waitForScreen(page, terminal, new RegExp(`${tag}=\\d+=2`));
  return Number(new RegExp(`${tag}=(\\d+)=2`).exec(screen.replace(/\n/g, ''))?.[1]);
}

/** The terminals whose panes are displayed. */
function shownTerminals(page: Page): Promise<string[]> {
  return page
    .locator('section[data-terminal]')
    .evaluateAll((panes) =>
      panes.filter((p) => (p as HTMLElement).offsetParent !== null).map((p) => p.getAttribute('data-terminal') ?? ''),
    );
}

/** Whether `box` lies within the viewport. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const box = element.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight + 0.5 && box.height > 0;
    });
}

describe('a lesson beside its lab', () => {
  const web = browserLab();
  const desktop = () => web.open(LESSON_01.en, { viewport: DESKTOP }, { allPanes: false });

  test('at 1440×900 text and lab are both in view, the lab stays as the text scrolls, its terminal has 80 columns', async () => {
    const { page, errors } = await desktop();
    const main = await page.locator('main').boundingBox();
    const lab = await page.locator('socket-lab').boundingBox();
    assert.ok(main && lab, 'the text or the lab is not displayed');
    assert.ok(main.x + main.width <= lab.x, `the text (${JSON.stringify(main)}) is not beside the lab`);
    assert.ok(lab.y >= 0 && lab.y + lab.height <= DESKTOP.height + 0.5, `the lab is not all in view: ${lab.y}`);
    assert.ok(lab.x + lab.width <= DESKTOP.width, 'the lab sticks out on the right');

    await page.mouse.wheel(0, 3000);
    await page.waitForFunction(() => window.scrollY > 1000);
    const labAfter = await page.locator('socket-lab').boundingBox();
    assert.deepEqual(labAfter, lab, 'the lab moved when the text scrolled');

    assert.deepEqual(await shownTerminals(page), ['t1'], 'one terminal in front to begin with');
    const cols = await columns(page, 't1', 'front');
    assert.ok(cols >= 80, `the terminal in front has only ${cols} columns`);
    assert.deepEqual(errors, []);
  });

  test('the divider moves with the keyboard and the pointer, and the split is remembered', async () => {
    const { page, errors } = await desktop();
    const divider = page.getByRole('separator', { name: 'Resize the text and the lab' });
    const share = async () => Number(await divider.getAttribute('aria-valuenow'));
    const textWidth = () => page.locator('#lesson-text').evaluate((e) => e.getBoundingClientRect().width);
    assert.equal(await share(), 42);
    const before = await textWidth();

    await divider.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    assert.equal(await share(), 36);
    assert.ok((await textWidth()) < before, 'the text did not narrow');
    await page.keyboard.press('Home');
    assert.equal(await share(), 25, 'Home goes to the narrowest text');

    // Drag it to about half way: the share follows the pointer.
    const box = await divider.boundingBox();
    const split = await page.locator('[data-lesson-split]').boundingBox();
    assert.ok(box && split);
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(split.x + split.width * 0.5, box.y + 200, { steps: 5 });
    await page.mouse.up();
    const dragged = await share();
    assert.ok(Math.abs(dragged - 50) < 1, `dragged to half way, the share is ${dragged}`);
    // Beyond its bounds, it stops at them.
    await page.mouse.move(split.x + split.width * 0.5, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(split.x + split.width * 0.99, box.y + 200, { steps: 5 });
    await page.mouse.up();
    assert.equal(await share(), 70);
    await divider.focus();
    await page.keyboard.press('PageDown');
    assert.equal(await share(), 60);
    const widthThen = await textWidth();

    await page.reload();
    assert.equal(await share(), 60, 'the split was not remembered');
    assert.ok(Math.abs((await textWidth()) - widthThen) < 1, 'the remembered split is not the one shown');
    assert.deepEqual(errors, []);
  });

  test('the sidebar folds away for room, and stays folded after a reload', async () => {
    const { page, errors } = await desktop();
    const sidebar = page.locator('#starlight__sidebar');
    const hide = page.getByRole('button', { name: 'Hide the sidebar' });
    await assert.doesNotReject(sidebar.waitFor({ state: 'visible' }));
    const labBefore = await page.locator('socket-lab').boundingBox();
    await hide.click();
    await sidebar.waitFor({ state: 'hidden' });
    assert.equal(await page.getByRole('button', { name: 'Show the sidebar' }).getAttribute('aria-expanded'), 'false');
    const labAfter = await page.locator('socket-lab').boundingBox();
    assert.ok(labBefore && labAfter && labAfter.width > labBefore.width, 'the lab did not gain the room');

    await page.reload();
    await sidebar.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Show the sidebar' }).click();
    await sidebar.waitFor({ state: 'visible' });
    // The header's search, language and theme switches are still there and work.
    await page.locator('header starlight-theme-select select').selectOption('dark');
    assert.equal(await page.evaluate(() => document.documentElement.dataset['theme']), 'dark');
    assert.ok(
      await page
        .locator('header')
        .getByRole('button', { name: /search/i })
        .isVisible(),
    );
    assert.deepEqual(errors, []);
  });

  test('one pane, two side by side, or all: every terminal keeps its screen and scrollback, and refits', async () => {
    const { page, errors } = await desktop();
    const arrangement = (name: string) => page.getByRole('button', { name, exact: true });
    const tab = (name: string) => page.getByRole('tab', { name, exact: true });
    await waitForState(page, 't1', 'idle');
    await typeInto(page, 't1', "seq -f 'line-%03g' 1 150\r");
    await waitForScreen(page, 't1', 'line-150');
    // The terminal's own element, marked: if it were built again, the mark would be gone.
    await pane(page, 't1')
      .locator('.xterm')
      .evaluate((e) => e.setAttribute('data-test-mark', 'kept'));
    const wide = await columns(page, 't1', 'one');

    await arrangement('Two').click();
    assert.equal(await arrangement('Two').getAttribute('aria-pressed'), 'true');
    await tab('Observe').click();
    assert.deepEqual(await shownTerminals(page), ['t1', 't4']);
    const [left, right] = await Promise.all([pane(page, 't1').boundingBox(), pane(page, 't4').boundingBox()]);
    assert.ok(left && right && Math.abs(left.y - right.y) < 1 && left.x < right.x, 'the two are not side by side');
    const half = await columns(page, 't1', 'two');
    assert.ok(half < wide, `side by side the terminal kept ${half} of its ${wide} columns`);

    await arrangement('All').click();
    assert.deepEqual(await shownTerminals(page), TERMINALS);
    await arrangement('One').click();
    assert.deepEqual(await shownTerminals(page), ['t4'], 'the tab chosen last is the one in front');
    await tab('Server').click();
    assert.deepEqual(await shownTerminals(page), ['t1']);
    assert.equal(await tab('Server').getAttribute('aria-selected'), 'true');

    assert.equal(
      await pane(page, 't1').locator('.xterm[data-test-mark="kept"]').count(),
      1,
      'the terminal was rebuilt',
    );
    assert.equal(await columns(page, 't1', 'again'), wide, 'back in front, the terminal did not refit');
    // Its scrollback survived: paged back to the top (Shift+Page Up, as in any terminal), the first line is there.
    await pane(page, 't1').locator('.xterm-screen').click();
    // Enough pages for 150 lines however many rows the terminal has (the checks list above takes some); past the
    // top, a page up does nothing.
    for (let i = 0; i < 20; i++) await page.keyboard.press('Shift+PageUp');
    await waitForScreen(page, 't1', 'line-001');
    assert.equal(await page.locator('section[data-terminal] .xterm').count(), 4);

    // The arrangement is the learner's choice for the next page too.
    await arrangement('Two').click();
    await page.reload();
    assert.equal(await arrangement('Two').getAttribute('aria-pressed'), 'true');
    assert.equal((await shownTerminals(page)).length, 2);
    assert.deepEqual(errors, []);
  });

  test('on a phone text and lab stack, a control jumps between them, and the page never scrolls sideways', async () => {
    const { page, errors } = await web.newPage({ viewport: PHONE }, { allPanes: false });
    await page.goto(web.lab.url + LESSON_01.zh);
    const noSideways = async (when: string) => {
      const { scrollWidth, clientWidth } = await page.evaluate(() => {
        const { scrollWidth, clientWidth } = document.documentElement;
        return { scrollWidth, clientWidth };
      });
      assert.ok(scrollWidth <= clientWidth, `${when}: the page is ${scrollWidth}px wide in a ${clientWidth}px window`);
    };
    await noSideways('at the start');
    const main = await page.locator('main').boundingBox();
    const lab = await page.locator('socket-lab').boundingBox();
    assert.ok(main && lab && lab.y >= main.y + main.height - 1, 'the lab is not below the text');
    const jump = page.getByRole('navigation', { name: '在正文和实验区之间跳转' });
    assert.ok(await jump.isVisible(), 'no jump control');

    await jump.getByRole('link', { name: '实验区' }).click();
    await page.waitForFunction(() => {
      const box = document.querySelector('socket-lab')?.getBoundingClientRect();
      return box && box.top >= 0 && box.top < window.innerHeight / 2;
    });
    await waitForState(page, 't1', 'idle');
    await noSideways('with the lab open');
    await jump.getByRole('link', { name: '正文' }).click();
    await page.waitForFunction(() => (document.querySelector('h1')?.getBoundingClientRect().top ?? -1) >= 0);

    // A snippet far up in the text brings its terminal into view, in front.
    await runSnippet(page, '观察', 'ss -tanp');
    await waitForScreen(page, 't4', 'Recv-Q');
    assert.ok(await inView(page, 'section[data-terminal="t4"] [data-screen]'), 'the terminal is not in view');
    assert.deepEqual(await shownTerminals(page), ['t4']);
    await noSideways('after a snippet');
    assert.deepEqual(errors, []);
  });

  test('a snippet types into its terminal, bringing it to the front, and says so', async () => {
    const { page, errors } = await desktop();
    const snippet = await runSnippet(page, 'Observe', 'ss -tan');
    await waitForScreen(page, 't4', 'Recv-Q');
    assert.deepEqual(await shownTerminals(page), ['t4']);
    assert.equal(await page.getByRole('tab', { name: 'Observe' }).getAttribute('aria-selected'), 'true');
    assert.equal(await snippet.getByRole('status').textContent(), 'Typed into Observe.');
    assert.doesNotMatch(await screenText(page, 't1'), /ss -tan/, 'typed into the wrong terminal');
    assert.deepEqual(errors, []);
  });

  test('a snippet for a busy terminal says so and types nothing; the interrupting kind stops it first', async () => {
    const { page, errors } = await desktop();
    await runSnippet(page, 'Server', 'python3 server.py');
    await waitForScreen(page, 't1', '127.0.0.1:2333');
    await waitForState(page, 't1', 'running');

    const busy = await runSnippet(page, 'Server', 'python3 note_original.py');
    const note = busy.getByRole('status');
    await note.filter({ hasText: 'still running a program' }).waitFor();
    // Whatever was typed would show in the server's terminal by now: nothing is.
    await letTimePass(500);
    assert.doesNotMatch(await screenText(page, 't1'), /note_original/);
    await waitForState(page, 't1', 'running');

    const interrupting = page.locator('[data-snippet][data-snippet-command="node server.ts"]').last();
    await interrupting.getByRole('button', { name: 'Run in Server', exact: true }).click();
    await waitForScreen(page, 't1', /\^C[\s\S]*\$ node server\.ts/);
    await waitForState(page, 't1', 'running');
    assert.equal(await interrupting.getByRole('status').textContent(), 'Typed into Server.');
    assert.deepEqual(errors, []);
  });
});
