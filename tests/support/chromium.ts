/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), and what every browser test and
 * screenshot script shares about a page: how long to wait for it, and what it reports as broken.
 */
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

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
