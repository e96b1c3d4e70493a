/**
 * Lesson 1's wire pane in Chromium, as a learner uses it: nothing loaded or captured until Start capture; then the
 * server's and the client's lifelines, the handshake and the text the client sent; a segment taken apart; the .pcap
 * download readable as a capture; Stop.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { LINK_TYPES, PcapReader } from '#protocol/pcap.ts';
import { browserLab } from '../support/browser.ts';
import { TIMEOUT } from '../support/chromium.ts';
import { runCommand, typeInto, waitForScreen } from '../support/lab-terminals.ts';
import { LESSON_01 } from '../support/site-text.ts';

const wirePane = (page: Page) => page.getByRole('region', { name: 'Wire', exact: true });

describe('the wire view in lesson 1', () => {
  const web = browserLab();

  test('shows the handshake and the text a client sent, takes a segment apart and downloads the capture', async () => {
    const wireScripts: string[] = [];
    const { page, errors, close } = await web.newPage({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    try {
      page.on('request', (request) => {
        if (/wire-pane\.[\w-]+\.js$/.test(request.url())) wireScripts.push(request.url());
      });
      await page.goto(web.lab.url + LESSON_01.en);
      const wire = wirePane(page);
      await wire.scrollIntoViewIfNeeded();
      const start = wire.getByRole('button', { name: 'Start capture' });
      await start.click({ timeout: TIMEOUT });
      await wire.locator('[data-status]').filter({ hasText: 'capturing' }).waitFor({ timeout: TIMEOUT });
      assert.equal(wireScripts.length, 1, 'the view loads when a capture starts');

      await runCommand(page, 'en', 't1', 'python3 server.py');
      await waitForScreen(page, 't1', '2333');
      await runCommand(page, 'en', 't2', 'python3 client.py');
      await waitForScreen(page, 't2', '>>');
      await typeInto(page, 't2', 'hello wire');
      await page.keyboard.press('Enter');

      const rows = wire.locator('.wire-rows');
      for (const label of [/^SYN seq=0 win=\d+ len=0$/, /^SYN,ACK seq=0 ack=1 /, /^ACK seq=1 ack=1 /]) {
        await rows.locator('.wire-label').filter({ hasText: label }).first().waitFor({ timeout: TIMEOUT });
      }
      const data = rows.locator('.wire-seg').filter({ hasText: '"hello wire"' });
      await data.waitFor({ timeout: TIMEOUT });
      assert.match((await data.locator('.wire-label').textContent()) ?? '', /^PSH,ACK seq=1 ack=1 win=\d+ len=10$/);
      const heads = wire.locator('.wire-heads');
      await heads.filter({ hasText: 'server127.0.0.1:2333' }).waitFor();
      await heads.filter({ hasText: /client 1127\.0\.0\.1:\d+/ }).waitFor();

      await data.click();
      const detail = wire.locator('[data-view="detail"]');
      await detail.getByRole('heading', { name: /^Segment #\d+$/ }).waitFor();
      const text = (await detail.textContent()) ?? '';
      assert.match(text, /destination port2333/);
      assert.match(text, /Payload: 10 bytes/);
      assert.match(text, /68 65 6c 6c 6f 20 77 69 72 65/);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        wire.getByRole('button', { name: 'Download .pcap' }).click(),
      ]);
      const bytes = await readFile((await download.path()) as string);
      const reader = new PcapReader();
      const records = reader.push(bytes);
      assert.equal(reader.header?.linkType, LINK_TYPES.ethernet);
      assert.ok(
        records.some((r) => Buffer.from(r.data).includes('hello wire')),
        'the capture holds the text',
      );
      assert.equal(reader.leftover, 0, 'whole records only');

      await wire.getByRole('button', { name: 'Stop capture' }).click();
      await wire.locator('[data-status]').filter({ hasText: 'off' }).waitFor({ timeout: TIMEOUT });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});
