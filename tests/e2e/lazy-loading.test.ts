/**
 * The terminal code (xterm.js, the lab UI, the protocol client) is a large chunk: pages without a lab never request it,
 * and a lesson requests it only once its lab is about to scroll into view. Nor does a page without a lab get the split
 * lesson layout or its script: Starlight's own layout, table of contents column and all. Search's UI (Pagefind's)
 * loads when a learner reaches for search, and search works.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { browserLab } from '../support/browser.ts';
import { openLab } from '../support/lab-terminals.ts';
import { LESSON_01 } from '../support/site-text.ts';

/** A class name xterm.js builds its DOM with: any script containing it carries xterm.js. */
const XTERM_MARKER = 'xterm-helper-textarea';
/**
 * Narrow enough for the lesson's text and lab to stack, and small enough that the lab starts well beyond the viewport
 * plus the element's look-ahead margin.
 */
const BELOW_THE_FOLD = { width: 1000, height: 500 };
/** lab-element.ts starts loading this far ahead of the lab reaching the viewport. */
const ROOT_MARGIN_PX = 300;

interface LoadedScript {
  url: string;
  body: string;
}

/** Records every script the page loads, with its text, in the order the responses arrive. */
function recordScripts(page: Page): { scripts: LoadedScript[]; settled(): Promise<void> } {
  const scripts: LoadedScript[] = [];
  const reading: Promise<void>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    reading.push(
      response.text().then(
        (body) => void scripts.push({ url: response.url(), body }),
        // A body can be gone when the page navigates away; the URL alone still counts as requested.
        () => void scripts.push({ url: response.url(), body: '' }),
      ),
    );
  });
  return { scripts, settled: async () => void (await Promise.all(reading)) };
}

const carriesXterm = (script: LoadedScript) => script.body.includes(XTERM_MARKER);
/** A class name Pagefind's UI builds its results with: any script containing it carries that UI. */
const PAGEFIND_MARKER = 'pagefind-ui__result-link';
const carriesSearch = (script: LoadedScript) => script.body.includes(PAGEFIND_MARKER);
/** Attributes only the lesson layout's and the lab element's scripts look for. */
const LESSON_MARKERS = ['data-lesson-split', 'data-snippet'];
const carriesLessonCode = (script: LoadedScript) => LESSON_MARKERS.some((marker) => script.body.includes(marker));

describe('the terminal code loads on demand', () => {
  const web = browserLab();
  /** The scripts a lesson loads when its lab comes into view, found in `before`. */
  let labChunks: string[] = [];

  /** A page of its own that records the scripts it loads and the URLs it requests. */
  const recordingPage = async (options?: BrowserContextOptions) => {
    const opened = await web.newPage(options);
    const requested: string[] = [];
    opened.page.on('request', (request) => requested.push(request.url()));
    return { ...opened, record: recordScripts(opened.page), requested };
  };

  before(async () => {
    // Which URLs are the terminal code is the build's business (hashed chunk names); ask a lesson page, in a window
    // narrow enough that its lab is below the text (a wide one shows it beside the text, started at once).
    const { page, record, close } = await recordingPage({ viewport: BELOW_THE_FOLD });
    try {
      await page.goto(web.lab.url + LESSON_01.zh);
      await page.waitForLoadState('networkidle');
      const beforeLab = new Set(record.scripts.map((s) => s.url));
      await openLab(page);
      await page.waitForLoadState('networkidle');
      await record.settled();
      labChunks = record.scripts.filter((s) => !beforeLab.has(s.url) && carriesXterm(s)).map((s) => s.url);
    } finally {
      await close();
    }
  });

  test('a lesson page has the split layout and its script, and the lab element', async () => {
    const { page, record, close } = await recordingPage();
    try {
      await page.goto(web.lab.url + LESSON_01.en);
      await page.waitForLoadState('networkidle');
      await record.settled();
      assert.equal(await page.locator('[data-lesson-split]').count(), 1);
      assert.equal(await page.getByRole('separator').count(), 1);
      assert.ok(record.scripts.some(carriesLessonCode), 'no script of the lesson layout: this test would show nothing');
    } finally {
      await close();
    }
  });

  test('a lesson finds its terminal code in a chunk of its own', () => {
    assert.ok(labChunks.length > 0, 'opening the lab loaded no script with xterm.js in it');
    for (const url of labChunks) assert.match(new URL(url).pathname, /^\/_astro\/.+\.js$/);
  });

  for (const path of ['/', '/en/']) {
    test(`${path} (no lab) requests no terminal code`, async () => {
      const { page, errors, record, requested, close } = await recordingPage();
      try {
        await page.goto(web.lab.url + path);
        await page.waitForLoadState('networkidle');
        assert.equal(await page.locator('socket-lab').count(), 0, `${path} has a lab after all`);
        // Scroll through the whole page, in case anything is loaded on the way down.
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await page.waitForLoadState('networkidle');
        await record.settled();
        assert.ok(record.scripts.length > 0, 'the page loaded no scripts at all: the recording is broken');
        for (const url of labChunks) assert.ok(!requested.includes(url), `${path} requested ${url}`);
        const xterm = record.scripts.filter(carriesXterm).map((s) => s.url);
        assert.deepEqual(xterm, [], `${path} loaded xterm.js`);
        const lessonCode = record.scripts.filter(carriesLessonCode).map((s) => s.url);
        assert.deepEqual(lessonCode, [], `${path} loaded the lesson layout's or the lab's script`);
        // Starlight's layout as it comes: its own content column, no split, no divider.
        assert.equal(await page.locator('[data-lesson-split], [role="separator"]').count(), 0);
        assert.equal(await page.locator('.main-pane > main').count(), 1, `${path} is not in Starlight's layout`);
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }

  test('a lesson whose lab is below the fold requests the terminal code only on scrolling to it', async () => {
    const viewport = BELOW_THE_FOLD;
    const { page, errors, record, requested, close } = await recordingPage({ viewport });
    try {
      await page.goto(web.lab.url + LESSON_01.en);
      await page.waitForLoadState('networkidle');
      const labTop = await page.locator('socket-lab').evaluate((el) => el.getBoundingClientRect().top);
      assert.ok(labTop > viewport.height + ROOT_MARGIN_PX * 2, `the lab is only ${labTop}px down: not below the fold`);
      // Give an eager loader every chance to show itself: idle callbacks, timers, the observer's first report.
      await page.waitForTimeout(1500);
      await record.settled();
      for (const url of labChunks) assert.ok(!requested.includes(url), `requested ${url} before the lab was in view`);
      assert.deepEqual(record.scripts.filter(carriesXterm), [], 'xterm.js loaded before the lab was in view');
      assert.equal(
        await page.locator('socket-lab .xterm').count(),
        0,
        'terminals were built before the lab was in view',
      );

      const chunkRequested = page.waitForRequest((request) => labChunks.includes(request.url()), { timeout: 20_000 });
      await openLab(page);
      await chunkRequested;
      for (const url of labChunks) assert.ok(requested.includes(url), `scrolling to the lab did not load ${url}`);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('search loads its UI only when opened, and finds a lesson', async () => {
    const { page, errors, record, close } = await recordingPage();
    try {
      await page.goto(web.lab.url + '/en/');
      await page.waitForLoadState('networkidle');
      // Idle callbacks are when Starlight itself would have loaded it.
      await page.waitForTimeout(1500);
      await record.settled();
      assert.deepEqual(record.scripts.filter(carriesSearch), [], 'the search UI loaded before search was opened');

      await page.keyboard.press('Control+k');
      const input = page.locator('#starlight__search input');
      await input.waitFor({ timeout: 20_000 });
      await input.pressSequentially('socket');
      const result = page.locator('#starlight__search .pagefind-ui__result-link').first();
      await result.waitFor({ timeout: 20_000 });
      assert.match((await result.getAttribute('href')) ?? '', /\/lessons\//);
      await record.settled();
      assert.ok(record.scripts.some(carriesSearch), 'the search UI came with its script');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});
