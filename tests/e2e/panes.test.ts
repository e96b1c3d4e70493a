/**
 * The browser panes of the 🌐 lessons, against the learner's own servers in their sandbox: the page preview of the
 * study note's never-ending response and of a correct one (lesson 5), of Mono's HttpListener (lesson 13), and the
 * WebSocket client talking to a hand-written server (lesson 10) and to a websockets 10.4 chat (lesson 11).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserLab } from '../support/browser.ts';
import { TIMEOUT } from '../support/chromium.ts';
import { runCommand, waitForScreen } from '../support/lab-terminals.ts';

function browserPane(page: Page, id: string): Locator {
  return page.locator(`section[data-pane="${id}"]`);
}

async function noteText(pane: Locator, pattern: RegExp, timeout = TIMEOUT): Promise<string> {
  const note = pane.locator('[data-note]');
  await note.filter({ hasText: pattern }).waitFor({ timeout });
  return (await note.textContent()) ?? '';
}

describe('browser panes in the lessons', () => {
  const web = browserLab();
  const open = (path: string) => web.open(path, { viewport: { width: 1280, height: 1000 } });

  test('lesson 5: the note’s response keeps the preview waiting, a correct one completes', async () => {
    const { page, errors, close } = await open('/lessons/05-http-by-hand/');
    try {
      await runCommand(page, 'zh', 't1', 'python3 note_server.py');
      await waitForScreen(page, 't1', /python3 note_server\.py/);
      const preview = browserPane(page, 'page');
      await preview.getByRole('button', { name: '加载' }).click();
      const waiting = await noteText(preview, /已等待 .* 没有 Content-Length/);
      assert.match(waiting, /HTTP\/1\.1 200 OK/);
      // The request the preview sent arrives in the learner's server, browser headers and all.
      await waitForScreen(page, 't1', /User-Agent: Mozilla/);
      await preview.getByRole('tab', { name: '原始响应' }).click();
      await preview
        .locator('[data-view="raw"]')
        .filter({ hasText: /HTTP\/1\.1 200 OK/ })
        .waitFor();
      await preview.getByRole('button', { name: '不等了' }).click();
      await noteText(preview, /已停止等待/);

      await page.locator('section[data-terminal="t1"]').getByRole('button', { name: '停止' }).click();
      await runCommand(page, 'zh', 't1', 'python3 server.py');
      await waitForScreen(page, 't1', /2333/);
      await preview.getByRole('tab', { name: '页面' }).click();
      await preview.getByRole('button', { name: '加载' }).click();
      await noteText(preview, /响应完整/);
      const heading = preview.frameLocator('iframe').locator('body');
      assert.match((await heading.textContent({ timeout: TIMEOUT })) ?? '', /\S/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test('lesson 13: the preview shows what Mono’s HttpListener sends', async () => {
    const { page, errors, close } = await open('/en/lessons/13-httplistener/');
    try {
      await runCommand(page, 'en', 't1', 'mcs Server.cs && mono Server.exe');
      // Compiling with mcs takes a few seconds on a small machine.
      await waitForScreen(page, 't1', /127\.0\.0\.1:2333/, 60_000);
      const preview = browserPane(page, 'page');
      await preview.getByRole('button', { name: 'Load' }).click();
      await noteText(preview, /complete response/);
      await preview.getByRole('tab', { name: 'Raw response' }).click();
      await preview
        .locator('[data-view="raw"]')
        .filter({ hasText: /Server: Mono-HTTPAPI\/1\.0/ })
        .waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  for (const [path, command, server] of [
    ['/en/lessons/10-websocket-from-scratch/', 'python3 ws_server.py', /2333/],
    ['/lessons/11-websockets-library/', '/usr/bin/python3 server.py', /8765/],
  ] as const) {
    test(`${path}: the WebSocket pane connects, sends, hears back and closes with 1000`, async () => {
      const { page, errors, close } = await open(path);
      try {
        await runCommand(page, path.startsWith('/en/') ? 'en' : 'zh', 't1', command);
        await waitForScreen(page, 't1', server);
        const client = browserPane(page, 'ws');
        const en = path.startsWith('/en/');
        await client.getByRole('button', { name: en ? 'Connect' : '连接', exact: true }).click();
        await client.locator('[data-status][data-state="running"]').waitFor({ timeout: TIMEOUT });
        // The handshake sits in a closed <details> once it succeeded: present, not visible.
        await client
          .locator('[data-response]')
          .filter({ hasText: /101 Switching Protocols/ })
          .waitFor({ state: 'attached' });
        await client.getByRole('textbox', { name: en ? 'Message' : '消息' }).fill('hello from the pane 你好');
        await client.getByRole('button', { name: en ? 'Send' : '发送' }).click();
        await client.locator('[data-log] [data-dir="out"]').filter({ hasText: 'hello from the pane 你好' }).waitFor();
        await client.locator('[data-log] [data-dir="in"]').filter({ hasText: 'hello from the pane 你好' }).waitFor();
        await waitForScreen(page, 't1', /hello from the pane/);
        await client.getByRole('button', { name: en ? 'Disconnect' : '断开', exact: true }).click();
        await client.locator('[data-log] [data-dir="close"]').filter({ hasText: /1000/ }).waitFor();
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }
});
