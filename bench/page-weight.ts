/**
 * What a page costs in JavaScript: Debian's Chromium opens pages of the built site (`npx astro build` first) served
 * by the real backend, and every script response is counted with the bytes that crossed the wire (compressed as the
 * browser negotiated) and its size once decoded. Pages without a lab (the home pages), and a lesson before its lab
 * is reached and once its terminals run (no editor or pane opened). Targets: < 50 KB without a lab, < 150 KB with
 * it. `node bench/page-weight.ts` (BENCH_SCRIPTS=1 lists each script). Asserts nothing.
 */
import { get } from 'node:http';
import { loadavg } from 'node:os';
import type { Page, Response } from 'playwright-core';
import { launchBrowser } from '../tests/support/chromium.ts';
import { openLab } from '../tests/support/lab-terminals.ts';
import { LESSON_01 } from '../tests/support/site-text.ts';
import { COURSE_EXAMPLES, startBackend } from './support.ts';

interface Script {
  url: string;
  wire: number;
  decoded: number;
  encoding: string;
  /** What it costs a browser that does not take brotli (Firefox over plain HTTP): asked for again with gzip only. */
  gzip: number;
}

/** The body's size on the wire when only gzip is accepted. */
function gzipBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
      response.on('error', reject);
    }).on('error', reject);
  });
}

const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;

/** Every script the page loads from now on, with its transferred and decoded size. */
function recordScripts(page: Page): { settled(): Promise<Script[]> } {
  const reading: Promise<Script>[] = [];
  const measure = async (response: Response): Promise<Script> => {
    const [sizes, body, headers, gzip] = await Promise.all([
      response.request().sizes(),
      response.body(),
      response.allHeaders(),
      gzipBytes(response.url()),
    ]);
    const encoding = headers['content-encoding'] ?? 'identity';
    return { url: response.url(), wire: sizes.responseBodySize, decoded: body.length, encoding, gzip };
  };
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') reading.push(measure(response));
  });
  return { settled: () => Promise.all(reading) };
}

function report(label: string, scripts: readonly Script[], target: number): void {
  const wire = scripts.reduce((sum, s) => sum + s.wire, 0);
  const decoded = scripts.reduce((sum, s) => sum + s.decoded, 0);
  const gzip = scripts.reduce((sum, s) => sum + s.gzip, 0);
  const encodings = [...new Set(scripts.map((s) => s.encoding))].join(', ');
  const verdict = wire < target ? 'within' : 'OVER';
  console.log(
    `${label.padEnd(58)} ${kb(wire).padStart(9)} on the wire (${encodings}; gzip only: ${kb(gzip)}), ` +
      `${kb(decoded)} decoded, ${scripts.length} scripts; ${verdict} the ${kb(target)} target`,
  );
  if (process.env['BENCH_SCRIPTS']) {
    for (const s of [...scripts].sort((a, b) => b.wire - a.wire)) {
      console.log(`    ${kb(s.wire).padStart(9)} ${kb(s.decoded).padStart(9)}  ${new URL(s.url).pathname}`);
    }
  }
}

async function main(): Promise<void> {
  const backend = await startBackend([], COURSE_EXAMPLES);
  const browser = await launchBrowser();
  try {
    for (const path of ['/', '/en/']) {
      const page = await browser.newPage();
      const record = recordScripts(page);
      await page.goto(backend.url + path);
      await page.waitForLoadState('networkidle');
      report(`${path} (no lab)`, await record.settled(), 50_000);
      await page.close();
    }
    for (const path of [LESSON_01.zh, LESSON_01.en]) {
      // Small enough that the lab is below the fold at first.
      const page = await browser.newPage({ viewport: { width: 1000, height: 500 } });
      const record = recordScripts(page);
      await page.goto(backend.url + path);
      await page.waitForLoadState('networkidle');
      const before = await record.settled();
      report(`${path} before its lab is reached`, before, 50_000);
      await openLab(page);
      await page.waitForLoadState('networkidle');
      report(`${path} with its terminals running`, await record.settled(), 150_000);
      await page.close();
    }
  } finally {
    await browser.close();
    await backend.close();
  }
  console.log(`(load ${loadavg()[0]?.toFixed(2)})`);
}

await main();
