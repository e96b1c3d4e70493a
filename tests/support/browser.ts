/**
 * The browser side of an end-to-end suite: the backend and Chromium started for it, and its pages, each in a browser
 * context of its own (a learner of its own), with what it reports as broken. What a test then does with a page is in
 * lab-terminals.ts and lab-editor.ts.
 */
import { after, before } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ARRANGEMENT_KEY } from '../../src/components/lab/layout-state.ts';
import { collectPageErrors, launchBrowser } from './chromium.ts';
import { startTestLab, type TestLab } from './lab-harness.ts';
import { openLab } from './lab-terminals.ts';

export interface LabContextOptions {
  /** Start with every pane shown (the "All" arrangement) rather than the learner's default of one. */
  allPanes?: boolean;
}

/**
 * Makes the labs of `context` start with all their panes shown (as a learner choosing "All" would), unless a page of it
 * chose otherwise: the suites that drive several terminals at once see them all, as on a page without tabs.
 */
export async function showAllPanes(context: BrowserContext): Promise<void> {
  await context.addInitScript(
    ([key, value]) => {
      // Only the page itself: a preview pane's sandboxed frame has no storage to ask.
      if (window !== window.top) return;
      if (localStorage.getItem(key) === null) localStorage.setItem(key, value);
    },
    [ARRANGEMENT_KEY, 'grid'] as const,
  );
}

/** A browser page of a suite's own browser context (a learner of its own), and what it logs as broken. */
export interface OpenPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  /** Closes the page's context now rather than after the suite. */
  close(): Promise<void>;
}

export interface BrowserLab {
  readonly lab: TestLab;
  readonly browser: Browser;
  /**
   * A browser context, closed after the suite if not before; 1400 × 1000 unless `options` say otherwise. Its labs
   * show all their panes at once unless `lab.allPanes` is false (showAllPanes).
   */
  newContext(options?: BrowserContextOptions, lab?: LabContextOptions): Promise<BrowserContext>;
  /** A page in a context of its own, its errors collected. */
  newPage(options?: BrowserContextOptions, lab?: LabContextOptions): Promise<OpenPage>;
  /** newPage, at `path` of the site, with its lab open (openLab). */
  open(path: string, options?: BrowserContextOptions, lab?: LabContextOptions): Promise<OpenPage>;
  /** Closes the backend and starts another one with `options` (the same port, say, for a backend that restarted). */
  restartLab(options: string[]): Promise<void>;
}

/**
 * The backend (started with `options`, or what the function returns when the suite starts) and Chromium, for the
 * suite this is called in: started before its tests, closed after them along with every context opened through it.
 */
export function browserLab(options: string[] | (() => string[]) = []): BrowserLab {
  let lab: TestLab | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    [lab, browser] = await Promise.all([
      startTestLab(typeof options === 'function' ? options() : options),
      launchBrowser(),
    ]);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await lab?.close();
  });

  const started = <T>(thing: T | undefined, what: string): T => {
    if (thing === undefined) throw new Error(`the ${what} is not started yet: use it inside a test or a hook`);
    return thing;
  };
  const self: BrowserLab = {
    get lab() {
      return started(lab, 'backend');
    },
    get browser() {
      return started(browser, 'browser');
    },
    async newContext(contextOptions = {}, { allPanes = true } = {}) {
      const context = await self.browser.newContext({ viewport: { width: 1400, height: 1000 }, ...contextOptions });
      if (allPanes) await showAllPanes(context);
      contexts.push(context);
      return context;
    },
    async newPage(contextOptions, labOptions) {
      const context = await self.newContext(contextOptions, labOptions);
      const page = await context.newPage();
      return { page, context, errors: collectPageErrors(page), close: () => context.close() };
    },
    async open(path, contextOptions, labOptions) {
      const opened = await self.newPage(contextOptions, labOptions);
      await opened.page.goto(self.lab.url + path);
      await openLab(opened.page);
      return opened;
    },
    async restartLab(restartOptions) {
      await self.lab.close();
      lab = undefined;
      lab = await startTestLab(restartOptions);
    },
  };
  return self;
}
