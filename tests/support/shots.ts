/**
 * The frame of the screenshot scripts (tests/e2e/*screenshots.ts): a lab and Chromium started, each shot taken in
 * turn, where it went and any page errors printed, and both closed however it ended.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './chromium.ts';
import { startTestLab } from './lab-harness.ts';

/** `shoot` resolves with the file it wrote and then the page's errors. */
export async function takeShots<S>(
  outDir: string,
  shots: readonly S[],
  shoot: (browser: Browser, url: string, shot: S) => Promise<string[]>,
): Promise<void> {
  const lab = await startTestLab();
  const browser = await launchBrowser();
  try {
    await mkdir(outDir, { recursive: true });
    for (const shot of shots) {
      const [file, ...errors] = await shoot(browser, lab.url, shot);
      console.log(`${file}${errors.length ? `\n  page errors:\n  ${errors.join('\n  ')}` : ''}`);
    }
  } finally {
    await browser.close();
    await lab.close();
  }
}
