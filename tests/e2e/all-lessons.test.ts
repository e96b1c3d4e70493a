/**
 * Every lesson page, in both languages, as a learner opens it: it renders, its lab starts, nothing goes wrong in the
 * console, and every link on it leads somewhere on this site (external references are checked for form only: the
 * test machine has no internet).
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { browserLab } from '../support/browser.ts';
import { collectPageErrors } from '../support/chromium.ts';
import { openLab } from '../support/lab-terminals.ts';
import { PROJECT_ROOT } from '../support/lab-harness.ts';

const slugs = (await readdir(path.join(PROJECT_ROOT, 'src/content/docs/lessons')))
  .filter((file) => file.endsWith('.mdx'))
  .map((file) => file.replace(/\.mdx$/, ''))
  .sort();

describe('every lesson page', () => {
  const web = browserLab();
  let context: BrowserContext;
  const checkedLinks = new Map<string, number>();

  before(async () => {
    context = await web.newContext({ viewport: { width: 1280, height: 900 } });
  });

  test('there are fourteen lessons, each in Chinese and English', async () => {
    assert.equal(slugs.length, 14, slugs.join(', '));
    const english = (await readdir(path.join(PROJECT_ROOT, 'src/content/docs/en/lessons'))).filter((f) =>
      f.endsWith('.mdx'),
    );
    assert.deepEqual(english.map((f) => f.replace(/\.mdx$/, '')).sort(), slugs);
  });

  for (const slug of slugs) {
    for (const prefix of ['', '/en']) {
      const url = `${prefix}/lessons/${slug}/`;
      test(`${url} renders, starts its lab, logs no errors and has no broken links`, async () => {
        const page = await context.newPage();
        const errors = collectPageErrors(page);
        try {
          const response = await page.goto(`${web.lab.url}${url}`);
          assert.equal(response?.status(), 200);
          await openLab(page);
          assert.equal(await page.locator('html').getAttribute('lang'), prefix ? 'en' : 'zh-CN');
          const links = await page
            .locator('main a[href]')
            .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
          // Every lesson cites its references, so a page without links did not render its content.
          assert.ok(links.length >= 3, `${url} has ${links.length} links`);
          for (const link of links) {
            const target = new URL(link);
            if (target.origin !== new URL(web.lab.url).origin) {
              assert.match(target.protocol, /^https?:$/, `odd link ${link}`);
              continue;
            }
            const key = target.pathname;
            if (!checkedLinks.has(key)) checkedLinks.set(key, (await fetch(`${web.lab.url}${key}`)).status);
            assert.equal(checkedLinks.get(key), 200, `${url} links to ${key}`);
            if (target.hash) {
              const id = decodeURIComponent(target.hash.slice(1));
              if (key === new URL(page.url()).pathname) {
                assert.ok(await page.locator(`[id="${id}"]`).count(), `${url}: no anchor #${id}`);
              }
            }
          }
          assert.deepEqual(errors, [], `console errors on ${url}`);
        } finally {
          await page.close();
        }
      });
    }
  }
});
