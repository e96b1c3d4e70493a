/**
 * The network drops under a learner: the lab says it is reconnecting, comes back by itself once the network does,
 * and shows the same terminals with the same programs, still usable. A TCP proxy between Chromium and the backend
 * plays the network.
 */
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { browserLab } from '../support/browser.ts';
import { TIMEOUT } from '../support/chromium.ts';
import { openLab, runCommand, terminalState, typeInto, waitForScreen, waitForState } from '../support/lab-terminals.ts';
import { LESSON_01, UI } from '../support/site-text.ts';

/** examples/01-first-client-server/lab.json: t1's Python server. */
const T1_PYTHON_SERVER = 'python3 server.py';

interface Proxy {
  url: string;
  /** Ends every connection, and refuses new ones (the network is down) until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy on a free port that forwards to `target()`, known once the backend is up. */
async function startProxy(target: () => URL): Promise<Proxy> {
  const open = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target().port), target().hostname);
    for (const [socket, peer] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(socket);
      socket.pipe(peer);
      // A reset on one side (the cut, a page closing) ends the other; the error itself is expected here.
      socket.on('error', () => peer.destroy());
      socket.on('close', () => {
        open.delete(socket);
        peer.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      down = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('reconnecting after the network drops', () => {
  let proxy: Proxy;
  before(async () => {
    proxy = await startProxy(() => new URL(web.lab.url));
  });
  after(() => proxy?.close());
  // The proxy's port is another origin than the backend's own: the backend is told to allow it, as an instructor
  // behind a proxy would with --allowed-origin.
  const web = browserLab(() => ['--allowed-origin', proxy.url]);

  test('the banner says so, the lab comes back by itself with its screens, and the terminals still work', async () => {
    const { page, errors, close } = await web.newPage();
    try {
      await page.goto(proxy.url + LESSON_01.en);
      await openLab(page);
      const banner = page.locator('socket-lab [data-banner]');
      await page.waitForFunction(() => document.querySelector('socket-lab [data-banner]')?.textContent === '', null, {
        timeout: TIMEOUT,
      });

      await runCommand(page, 'en', 't1', T1_PYTHON_SERVER);
      await waitForScreen(page, 't1', '正在监听 127.0.0.1:2333');
      await waitForState(page, 't4', 'idle');
      await typeInto(page, 't4', 'echo before-the-cut\r');
      await waitForScreen(page, 't4', /^before-the-cut$/m);

      assert.deepEqual(errors, [], 'the page logged errors before the outage');
      proxy.cut();
      await banner.filter({ hasText: UI.en.reconnecting }).waitFor({ timeout: TIMEOUT });
      assert.equal(await banner.getAttribute('data-state'), 'reconnecting');
      // Nothing can be sent while the connection is down, so nothing may look pressable.
      assert.equal(await page.locator('section[data-terminal="t4"] [data-action="restart"]').isDisabled(), true);

      // Down long enough for more than one failed attempt, so the lab has to keep trying on its own.
      await page.waitForTimeout(1500);
      assert.equal(await banner.textContent(), UI.en.reconnecting, 'the banner gave up or changed while down');
      proxy.restore();
      // The backoff is at most 5 s between attempts; nothing is clicked or reloaded here.
      await page.waitForFunction(() => document.querySelector('socket-lab [data-banner]')?.textContent === '', null, {
        timeout: TIMEOUT,
      });
      assert.equal(await banner.getAttribute('data-state'), 'open');
      // While the network is down Chromium itself logs each failed attempt: "Failed to load resource: net::ERR_..."
      // for the session POST (reset, empty response, socket not connected: it depends on when the proxy hangs up)
      // and "WebSocket connection ... failed". No page can silence those, and they are the outage we made. An HTTP
      // error from the backend, anything else, or anything after reconnecting is a real error.
      const outage = errors.splice(0);
      for (const error of outage) {
        assert.match(
          error,
          /^console: (Failed to load resource: net::ERR_[A-Z_]+ \(\S+\/_lab\/session\)|WebSocket connection to '\S+\/_lab\/ws\?lab=[\w-]+' failed.*)$/,
          `not a failed connection attempt: ${error}`,
        );
      }

      await waitForScreen(page, 't1', '正在监听 127.0.0.1:2333');
      await waitForScreen(page, 't4', /^before-the-cut$/m);
      assert.equal(await terminalState(page, 't1'), 'running', 'the server survived the outage');
      await waitForState(page, 't4', 'idle');
      // The server is still the one listening, and the shell still answers typing.
      await typeInto(page, 't4', 'ss -tln\r');
      await waitForScreen(page, 't4', /LISTEN.*127\.0\.0\.1:2333/);
      assert.equal(await page.locator('section[data-terminal="t4"] [data-action="restart"]').isEnabled(), true);
      assert.deepEqual(errors, [], 'the page logged errors');
    } finally {
      await close();
    }
  });
});
