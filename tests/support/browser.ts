/**
 * Browser side of the end-to-end tests: Debian's Chromium driven by playwright-core (never a downloaded browser), and
 * helpers that look at a lab the way a learner does: its buttons by their accessible names, its status badges, and
 * the text xterm.js shows on screen.
 */
import { after, before } from 'node:test';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type ConsoleMessage,
  type Locator,
  type Page,
} from 'playwright-core';
import { ARRANGEMENT_KEY } from '../../src/components/lab/layout-state.ts';
import { startTestLab, type TestLab } from './lab-harness.ts';

/** Chromium as root in a container: no setuid sandbox, no GPU, and nothing phoning home during a test. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export type Lang = 'zh' | 'en';

export const LESSON_01: Record<Lang, string> = {
  zh: '/lessons/01-first-client-server/',
  en: '/en/lessons/01-first-client-server/',
};

/** The UI strings a test looks for, as src/content/i18n has them. */
export const UI = {
  zh: {
    run: '运行',
    stop: '停止',
    restart: '重启',
    idle: '就绪',
    running: '运行中',
    reconnecting: '连接中断，正在重新连接…',
    passcode: '口令',
    displayName: '显示名',
    join: '加入',
    joinTitle: '加入课堂',
    wrongPasscode: '口令不对。请向老师确认后再试一次。',
    notJoined: '要使用终端，请先加入课堂：',
    save: '保存',
    saved: '已保存',
    unsaved: '未保存',
    compare: '与原文件对比',
    resetFile: '还原此文件',
    loadTheirs: '载入新版本（丢弃我的修改）',
    replaceAll: '全部替换',
  },
  en: {
    run: 'Run',
    stop: 'Stop',
    restart: 'Restart',
    idle: 'ready',
    running: 'running',
    reconnecting: 'Connection lost, reconnecting...',
    passcode: 'Passcode',
    displayName: 'Display name',
    join: 'Join',
    joinTitle: 'Join the class',
    wrongPasscode: 'That passcode is not right. Check it with your instructor and try again.',
    notJoined: 'To use the terminals, join the class first:',
    save: 'Save',
    saved: 'saved',
    unsaved: 'unsaved',
    compare: 'Compare with the original',
    resetFile: 'Reset this file',
    loadTheirs: 'Load the new version (drop my changes)',
    replaceAll: 'replace all',
  },
} as const;

/** Generous: two cores run the backend, its sandboxes, the shells and Chromium at once. */
export const TIMEOUT = 20_000;

/** Everything a page reports as broken: console errors and uncaught exceptions. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

export function pane(page: Page, terminal: string): Locator {
  return page.locator(`section[data-terminal="${terminal}"]`);
}

export function button(page: Page, terminal: string, name: string): Locator {
  return pane(page, terminal).getByRole('button', { name, exact: true });
}

/**
 * Scrolls each lab of the page into view, which is what loads xterm.js, and waits for every terminal to report a
 * state.
 */
export async function openLab(page: Page): Promise<void> {
  for (const lab of await page.locator('socket-lab').all()) await lab.scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => {
      const panes = [...document.querySelectorAll('socket-lab section[data-terminal]')];
      return (
        panes.length > 0 &&
        panes.every(
          (p) => p.querySelector('.xterm-rows') && p.querySelector('[data-status]')?.hasAttribute('data-state'),
        )
      );
    },
    null,
    { timeout: TIMEOUT },
  );
}

/** The terminal's screen as the DOM renderer shows it (xterm.js renders a wide CJK character as one character). */
export function screenText(page: Page, terminal: string): Promise<string> {
  return pane(page, terminal)
    .locator('[data-screen] .xterm-rows')
    .evaluate((rows) => (rows as HTMLElement).innerText.replace(/\u00a0/g, ' '));
}

/**
 * Waits until the terminal shows `pattern`; on timeout the error carries the screen, which says what went wrong.
 * A long line wraps onto the next row and the DOM does not mark which rows continue the one before, so the screen
 * also matches with its rows joined.
 */
export async function waitForScreen(
  page: Page,
  terminal: string,
  pattern: string | RegExp,
  timeout = TIMEOUT,
): Promise<string> {
  const deadline = Date.now() + timeout;
  const shows = (screen: string) => (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen));
  // xterm.js does not draw a terminal that is scrolled out of view: bring it in, as a learner would look at it.
  await pane(page, terminal).scrollIntoViewIfNeeded();
  for (;;) {
    const text = await screenText(page, terminal);
    if (shows(text) || shows(text.replace(/\n/g, ''))) return text;
    if (Date.now() > deadline) {
      throw new Error(`terminal ${terminal} never showed ${String(pattern)}; it shows:\n${text.trimEnd()}`);
    }
    await page.waitForTimeout(100);
  }
}

/** The state a terminal's status badge shows: starting, idle, running or exited. */
export function terminalState(page: Page, terminal: string): Promise<string | null> {
  return pane(page, terminal).locator('[data-status]').getAttribute('data-state');
}

export async function waitForState(page: Page, terminal: string, state: string, timeout = TIMEOUT): Promise<void> {
  await pane(page, terminal)
    .locator(`[data-status][data-state="${state}"]`)
    .waitFor({ timeout })
    .catch(async (error: unknown) => {
      const now = await terminalState(page, terminal);
      throw new Error(`terminal ${terminal} never reached ${state} (it is ${now}): ${(error as Error).message}`, {
        cause: error,
      });
    });
}

/** The index of the command that runs `run` in the terminal's menu, from the lab's own view config. */
async function commandIndex(page: Page, terminal: string, run: string): Promise<number> {
  const lab = page.locator('socket-lab').filter({ has: pane(page, terminal) });
  const config = JSON.parse((await lab.getAttribute('data-config')) ?? '{}') as {
    terminals?: { id: string; commands: { run: string }[] }[];
  };
  const index = config.terminals?.find((t) => t.id === terminal)?.commands.findIndex((c) => c.run === run) ?? -1;
  if (index === -1) throw new Error(`terminal ${terminal} of ${page.url()} has no command "${run}"`);
  return index;
}

/**
 * Picks the command that runs `run` from the terminal's menu and presses Run once the shell is ready for it; then
 * waits for the badge to say running, unless the command may be over before the badge could be seen running.
 */
export async function runCommand(
  page: Page,
  lang: Lang,
  terminal: string,
  run: string,
  { waitRunning = true } = {},
): Promise<void> {
  await waitForState(page, terminal, 'idle');
  const index = await commandIndex(page, terminal, run);
  const menu = pane(page, terminal).locator('select[data-command]');
  if ((await menu.count()) > 0) await menu.selectOption(String(index));
  await button(page, terminal, UI[lang].run).click({ timeout: TIMEOUT });
  if (waitRunning) await waitForState(page, terminal, 'running');
}

/**
 * Presses the "Run in <terminal>" button of the lesson's snippet whose command is `command` (its first one), as a
 * learner reading the text would: the lab types it into the terminal.
 */
export async function runSnippet(page: Page, terminalTitle: string, command: string): Promise<Locator> {
  const snippet = page.locator(`[data-snippet][data-snippet-command="${command}"]`).first();
  const run = snippet.getByRole('button', { name: snippetButtonName(page, terminalTitle), exact: true });
  await run.scrollIntoViewIfNeeded();
  await run.click({ timeout: TIMEOUT });
  return snippet;
}

/** The accessible name of a snippet's button for the terminal titled `title`, in the page's language. */
function snippetButtonName(page: Page, title: string): string {
  return new URL(page.url()).pathname.startsWith('/en/') ? `Run in ${title}` : `在「${title}」中运行`;
}

/** Types into a terminal as a learner would: focus its screen, then the keyboard. */
export async function typeInto(page: Page, terminal: string, text: string): Promise<void> {
  await pane(page, terminal).locator('[data-screen] .xterm-screen').click();
  await page.keyboard.type(text);
}

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
