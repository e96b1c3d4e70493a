/**
 * Every field of a lab refuses, before sending, what the backend would turn away, and says why in the page's
 * language. Above all the WebSocket pane's message box: 30 000 Chinese characters are within the protocol's 60 000,
 * but 90 000 bytes of UTF-8, more than one message to the backend may have (64 KiB), which would make it close the
 * whole lab socket (1009) and every terminal with it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { WIRE } from '#protocol/limits.ts';
import { browserLab } from '../support/browser.ts';
import { TIMEOUT } from '../support/chromium.ts';
import { runCommand, waitForScreen } from '../support/lab-terminals.ts';

/** What websocket-pane.ts and browser-pane.ts say, as src/content/i18n has it. */
const SAYS = {
  tooBig: /^消息太大，发不出去：按 UTF-8 编码有 90,000 字节，一条消息最多 65,\d{3} 字节（一个汉字占 3 字节）。$/,
  full: `一条消息最多 ${WIRE.wsSendChars.toLocaleString('zh-CN')} 个字符，已经到上限了。`,
  badPort: 'A port is a whole number from 1 to 65535.',
  badPath: /^A path starts with \/ and has at most 2000 printable ASCII characters/,
};

/** examples/10-websocket-from-scratch/lab.json: t3's first command computes the handshake's Accept value. */
const T3_ACCEPT_PYTHON = `python3 -c "import base64,hashlib; print(base64.b64encode(hashlib.sha1(b'dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest()).decode())"`;

const validationMessage = (field: Locator) => field.evaluate((input) => (input as HTMLInputElement).validationMessage);

describe('input limits', () => {
  const web = browserLab();
  const open = (path: string) => web.open(path, { viewport: { width: 1280, height: 1000 } });

  test('a WebSocket message too big for the lab socket is refused with a message, and the lab keeps working', async () => {
    const { page, errors, close } = await open('/lessons/10-websocket-from-scratch/');
    try {
      await runCommand(page, 'zh', 't1', 'python3 ws_server.py');
      await waitForScreen(page, 't1', /2333/);
      const client = page.locator('section[data-pane="ws"]');
      await client.getByRole('button', { name: '连接', exact: true }).click();
      await client.locator('[data-status][data-state="running"]').waitFor({ timeout: TIMEOUT });

      const box = client.getByRole('textbox', { name: '消息' });
      await box.fill('你'.repeat(30_000));
      const problem = client.locator('[data-send-problem]');
      assert.match((await problem.textContent()) ?? '', SAYS.tooBig);
      assert.equal(await validationMessage(box), await problem.textContent(), 'the browser says the same on Send');
      await client.getByRole('button', { name: '发送', exact: true }).click();
      // Proving a negative: for a second after the click, no message may appear in the log.
      await page.waitForTimeout(1000);
      assert.equal(await client.locator('[data-log] [data-dir="out"]').count(), 0, 'nothing was sent');
      assert.equal((await box.inputValue()).length, 30_000, 'the text is kept, to shorten');

      // The lab socket is still the same open one: the banner never said "reconnecting", the pane is still connected,
      // a short message goes and comes back, and a terminal still runs commands.
      assert.equal(await page.locator('[data-banner]').getAttribute('data-state'), 'open');
      await box.fill('你好');
      assert.equal(await problem.isHidden(), true);
      await client.getByRole('button', { name: '发送', exact: true }).click();
      await client.locator('[data-log] [data-dir="in"]').filter({ hasText: '你好' }).waitFor({ timeout: TIMEOUT });
      await runCommand(page, 'zh', 't3', T3_ACCEPT_PYTHON, { waitRunning: false });
      await waitForScreen(page, 't3', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');

      // The box takes no more characters than a message may have, and says so when full.
      await box.fill('a'.repeat(WIRE.wsSendChars + 10));
      assert.equal((await box.inputValue()).length, WIRE.wsSendChars);
      assert.equal(await problem.textContent(), SAYS.full);
      assert.equal(await validationMessage(box), '', 'a full box of ASCII still fits in one message');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('the preview refuses a port or a path the backend would not take, saying why', async () => {
    const { page, errors, close } = await open('/en/lessons/05-http-by-hand/');
    try {
      const preview = page.locator('section[data-pane="page"]');
      const load = preview.getByRole('button', { name: 'Load', exact: true });
      await load.waitFor({ state: 'attached' });
      await page.waitForFunction(() => {
        const button = document.querySelector<HTMLButtonElement>('section[data-pane="page"] [data-action="load"]');
        return button !== null && !button.disabled;
      });
      const note = preview.locator('[data-note]');
      const idle = await note.textContent();
      const port = preview.getByRole('spinbutton', { name: 'Port' });
      const path = preview.getByRole('textbox', { name: 'Path' });

      await port.fill('70000');
      await load.click();
      assert.equal(await validationMessage(port), SAYS.badPort);
      await port.fill('8000');
      assert.equal(await validationMessage(port), '');

      await path.fill('/a b');
      await load.click();
      assert.match(await validationMessage(path), SAYS.badPath);
      await path.fill(`/${'a'.repeat(2100)}`);
      assert.equal((await path.inputValue()).length, 2000, 'the field takes no more than a path may have');
      assert.equal(await validationMessage(path), '');

      assert.equal(await note.textContent(), idle, 'no request was made');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});
