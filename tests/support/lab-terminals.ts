/**
 * A lab's terminals the way a learner sees them in the browser: each pane, its buttons by their accessible names,
 * its status badge, the text xterm.js shows on screen; and running things in them as a learner would (the command
 * menu and Run, a snippet's button, the keyboard).
 */
import type { Locator, Page } from 'playwright-core';
import { TIMEOUT } from './chromium.ts';
import { UI, type Lang } from './site-text.ts';

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
