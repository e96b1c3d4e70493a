/**
 * The class door on the real backend and its real store: with a passcode, pages lead to the join page, only a join
 * with the right passcode mints a learner, wrong passcodes are limited per client address, the class has a cap, and a
 * learner's cookie outlives a restart of the lab.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { joinClass, learnerIdIn, PASSCODE, postJoin } from '../support/door.ts';
import { fixtureExamples, FIXTURE_LAB } from '../support/fixture-lab.ts';
import { labSocket, PROJECT_ROOT, probesAtPrompt, startTestLab, type TestLab } from '../support/lab-harness.ts';
import { rawRequest } from '../support/raw-http.ts';
import { socketUrl, upgradeStatus } from '../support/raw-socket.ts';

const LESSON = '/lessons/01-first-client-server/';
const EN_LESSON = '/en/lessons/01-first-client-server/';
const FORGED = 'socketlab_learner=AAAAAAAAAAAAAAAAAAAAAA';

let examples: Awaited<ReturnType<typeof fixtureExamples>>;
before(async () => {
  examples = await fixtureExamples();
});
after(async () => {
  await examples.remove();
});

/** Opens a terminal of the fixture lab as `cookie` and runs a command in it. */
async function terminalWorks(lab: TestLab, cookie: string): Promise<void> {
  const socket = labSocket(lab, FIXTURE_LAB, cookie);
  try {
    const [shell] = await probesAtPrompt(socket, ['t3']);
    assert.match((await shell.exec('echo door $((6 * 7))')).output, /door 42/);
  } finally {
    socket.close();
  }
}

describe('a class with a passcode', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab(['--examples-dir', examples.dir, '--passcode', PASSCODE]);
  });
  after(async () => {
    await lab?.close();
  });

  test('a page without a learner cookie leads to the join page of its language, carrying where it was going', async () => {
    const cases: [string, string][] = [
      ['/', '/join/'],
      [LESSON, `/join/?next=${encodeURIComponent(LESSON)}`],
      [`${LESSON}?x=1`, `/join/?next=${encodeURIComponent(`${LESSON}?x=1`)}`],
      ['/en/', `/en/join/?next=${encodeURIComponent('/en/')}`],
      [EN_LESSON, `/en/join/?next=${encodeURIComponent(EN_LESSON)}`],
      ['/lessons/01-first-client-server/index.html', `/join/?next=${encodeURIComponent(`${LESSON}index.html`)}`],
      // Spelled to look like an asset, it is still the lesson the static server would send.
      [`/_astro/..${LESSON}`, `/join/?next=${encodeURIComponent(LESSON)}`],
      [`/pagefind/%2e%2e${LESSON}`, `/join/?next=${encodeURIComponent(LESSON)}`],
      ['/no-such-page/', `/join/?next=${encodeURIComponent('/no-such-page/')}`],
      // Never a Location that leaves the site: "//host/" is another host to a browser.
      ['//lessons/', '/join/'],
    ];
    for (const [page, join] of cases) {
      for (const method of ['GET', 'HEAD']) {
        const answer = await rawRequest(lab, page, { method });
        assert.equal(answer.status, 303, `${method} ${page}`);
        assert.equal(answer.headers.location, join, `${method} ${page}`);
        assert.equal(answer.headers['cache-control'], 'no-store');
      }
    }
    const forged = await rawRequest(lab, LESSON, { headers: { cookie: FORGED } });
    assert.equal(forged.status, 303, 'a well-formed id the store does not know is no learner');
  });

  test('the join pages and the files pages load are served to anyone', async () => {
    const css = (await readdir(path.join(PROJECT_ROOT, 'dist', '_astro'))).find((name) => name.endsWith('.css'));
    for (const file of ['/join/', '/en/join/', '/join', `/_astro/${css}`, '/favicon.svg', '/pagefind/pagefind.js']) {
      const answer = await rawRequest(lab, file);
      assert.ok(answer.status === 200 || answer.status === 301, `${file}: ${answer.status}`);
    }
    const page = await rawRequest(lab, '/en/join/?next=%2Fen%2F');
    assert.match(page.body, /<form[^>]*method="post"[^>]*action="\/_lab\/join"/);
    assert.match(page.body, /<label for="join-passcode"[^>]*>Passcode<\/label>/);
  });

  test('without a cookie the session endpoint mints nothing and says to join; the socket refuses', async () => {
    for (const cookie of [undefined, FORGED]) {
      const answer = await fetch(`${lab.url}/_lab/session`, {
        method: 'POST',
        headers: { origin: lab.origin, ...(cookie && { cookie }) },
      });
      assert.equal(answer.status, 401);
      assert.equal(answer.headers.get('set-cookie'), null);
      assert.match(await answer.text(), /Join the class first: \/join\//);
      const upgrade = await upgradeStatus(socketUrl(lab, FIXTURE_LAB), {
        origin: lab.origin,
        ...(cookie && { cookie }),
      });
      assert.equal(upgrade, 401);
    }
    assert.equal(lab.site.lab.store.learners.count(), 0);
  });

  test('a wrong passcode leads back to the join page with the error, and changes nothing', async () => {
    for (const [passcode, next, location] of [
      ['nope', LESSON, `/join/?next=${encodeURIComponent(LESSON)}&error=wrong-passcode`],
      ['', EN_LESSON, `/en/join/?next=${encodeURIComponent(EN_LESSON)}&error=wrong-passcode`],
      [`${PASSCODE}x`, 'https://evil.example/', '/join/?error=wrong-passcode'],
    ] as const) {
      // Its own client address, so these failures do not count against the tests after it.
      const answer = await postJoin(lab, { passcode, name: 'Mallory', next }, { localAddress: '127.0.0.3' });
      assert.equal(answer.status, 303);
      assert.equal(answer.location, location);
      assert.equal(answer.setCookie, null);
    }
    assert.equal(lab.site.lab.store.learners.count(), 0);
  });

  test('the right passcode sets a lasting HttpOnly cookie, records the name as typed, and leads on', async () => {
    const answer = await postJoin(lab, { passcode: ` ${PASSCODE} `, name: '  <b>张三</b> & co  ', next: EN_LESSON });
    assert.equal(answer.status, 303);
    assert.equal(answer.location, EN_LESSON);
    assert.match(
      answer.setCookie ?? '',
      /^socketlab_learner=[\w-]{22}; Path=\/; Max-Age=15552000; HttpOnly; SameSite=Lax$/,
    );
    const cookie = answer.cookie as string;
    const learner = lab.site.lab.store.learners.get(learnerIdIn(cookie));
    assert.equal(learner?.displayName, '<b>张三</b> & co', 'trimmed, otherwise exactly as typed');

    const page = await rawRequest(lab, EN_LESSON, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const session = await fetch(`${lab.url}/_lab/session`, { method: 'POST', headers: { origin: lab.origin, cookie } });
    assert.equal(session.status, 204);
    assert.equal(session.headers.get('set-cookie'), null);
    await terminalWorks(lab, cookie);
  });

  test('joining again from the same browser keeps the learner (and their work), with the corrected name', async () => {
    const cookie = await joinClass(lab, 'Li Si');
    const before = lab.site.lab.store.learners.count();
    const again = await postJoin(lab, { passcode: PASSCODE, name: 'Li Si (B2)', next: LESSON }, { cookie });
    assert.equal(again.status, 303);
    assert.equal(again.cookie, cookie);
    assert.equal(lab.site.lab.store.learners.count(), before);
    assert.equal(lab.site.lab.store.learners.get(learnerIdIn(cookie))?.displayName, 'Li Si (B2)');
  });

  test('a display name that is empty, too long or has control characters is turned back', async () => {
    const count = lab.site.lab.store.learners.count();
    for (const name of ['', '   ', 'x'.repeat(41), 'a\u001b[2Jb', 'a\nb']) {
      const answer = await postJoin(lab, { passcode: PASSCODE, name, next: LESSON });
      assert.equal(answer.status, 303, JSON.stringify(name));
      assert.equal(answer.location, `/join/?next=${encodeURIComponent(LESSON)}&error=bad-name`);
      assert.equal(answer.setCookie, null);
    }
    assert.equal(lab.site.lab.store.learners.count(), count);
  });

  test('bad requests to the join endpoint get a clear 4xx, change nothing, and the lab keeps serving', async () => {
    const count = lab.site.lab.store.learners.count();
    const form = 'application/x-www-form-urlencoded';
    const post = (headers: Record<string, string>, body: string | Buffer) =>
      rawRequest(lab, '/_lab/join', { method: 'POST', headers: { origin: lab.origin, ...headers }, body });
    const good = new URLSearchParams({ passcode: PASSCODE, name: 'Eve' }).toString();

    const huge = await post({ 'content-type': form }, Buffer.alloc(2 * 1024 * 1024, 'a'));
    assert.equal(huge.status, 413);
    const chunked = await post({ 'content-type': form, 'transfer-encoding': 'chunked' }, 'a'.repeat(10_000));
    assert.equal(chunked.status, 413);
    assert.equal(
      (await post({ 'content-type': 'application/json' }, JSON.stringify({ passcode: PASSCODE }))).status,
      415,
    );
    assert.equal((await post({ 'content-type': 'text/plain' }, good)).status, 415);
    assert.equal((await post({ 'content-type': form }, `${good}&name=%zz`)).status, 400);
    assert.equal((await post({ 'content-type': form }, 'passcode=%E5%BC&name=x')).status, 400);
    assert.equal((await post({ 'content-type': form }, `${good}&name=Eve2`)).status, 400);
    assert.equal((await post({ 'content-type': form }, `${good}&admin=1`)).status, 400);
    const missing = await post({ 'content-type': form }, `passcode=${PASSCODE}`);
    assert.equal(missing.status, 400);
    assert.match(missing.body, /name/, 'the refusal says what is wrong');

    for (const origin of ['http://evil.example', 'null', null]) {
      const answer = await postJoin(lab, { passcode: PASSCODE, name: 'Eve' }, { origin });
      assert.equal(answer.status, 403, `origin ${origin}`);
      assert.equal(answer.setCookie, null);
    }
    assert.equal((await rawRequest(lab, '/_lab/join')).status, 405);

    assert.equal(lab.site.lab.store.learners.count(), count, 'nobody joined');
    const cookie = await joinClass(lab, 'After the storm');
    assert.equal((await rawRequest(lab, LESSON, { headers: { cookie } })).status, 200);
  });

  test('after 10 wrong passcodes in a minute an address must wait, even with the right one; others may go on', async () => {
    const from = { localAddress: '127.0.0.2' };
    const count = lab.site.lab.store.learners.count();
    for (let i = 1; i <= 10; i++) {
      const answer = await postJoin(lab, { passcode: `guess-${i}`, name: 'Mallory', next: EN_LESSON }, from);
      assert.equal(answer.status, 303, `guess ${i}`);
    }
    for (const passcode of ['guess-11', PASSCODE]) {
      const answer = await postJoin(lab, { passcode, name: 'Mallory', next: EN_LESSON }, from);
      assert.equal(answer.status, 429, passcode);
      assert.ok(Number(answer.headers['retry-after']) > 0 && Number(answer.headers['retry-after']) <= 60);
      assert.match(String(answer.headers['content-type']), /text\/html/);
      assert.match(answer.body, /Too many wrong passcodes/, 'in the language of the page being joined from');
      assert.equal(answer.setCookie, null);
    }
    assert.equal(lab.site.lab.store.learners.count(), count);
    const logged = lab.log.filter((line) => line.message === 'join refused' && line.fields['status'] === 429);
    assert.equal(logged.length, 2);

    // Another address (another learner's laptop) is not held up.
    await joinClass(lab, 'Someone else');
  });
});

describe('a full class, and a restart', () => {
  let dataDir: string;
  const options = () => ['--examples-dir', examples.dir, '--passcode', PASSCODE, '--max-learners', '2'];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-door-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('--max-learners 2: a third join is refused clearly, the first two still get in, also after a restart', async () => {
    let first: string;
    let second: string;
    const lab = await startTestLab([...options(), '--data-dir', dataDir]);
    try {
      first = await joinClass(lab, 'One');
      second = await joinClass(lab, 'Two');
      const third = await postJoin(lab, { passcode: PASSCODE, name: 'Three', next: LESSON });
      assert.equal(third.status, 303);
      assert.equal(third.location, `/join/?next=${encodeURIComponent(LESSON)}&error=class-full`);
      assert.match(third.body, /class is full/);
      assert.equal(third.setCookie, null);
      assert.equal(lab.site.lab.store.learners.count(), 2);
      const again = await postJoin(lab, { passcode: PASSCODE, name: 'One', next: LESSON }, { cookie: first });
      assert.equal(again.location, LESSON, 'a learner who is in may join again when the class is full');
    } finally {
      await lab.close();
    }

    const restarted = await startTestLab([...options(), '--data-dir', dataDir]);
    try {
      assert.equal((await rawRequest(restarted, LESSON, { headers: { cookie: second } })).status, 200);
      await terminalWorks(restarted, first);
      const third = await postJoin(restarted, { passcode: PASSCODE, name: 'Three', next: LESSON });
      assert.match(third.location ?? '', /error=class-full/, 'still full after the restart');
    } finally {
      await restarted.close();
    }
  });
});

describe('an open lab (loopback, no passcode)', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab(['--examples-dir', examples.dir]);
  });
  after(async () => {
    await lab?.close();
  });

  test('has no door: pages are served, the session endpoint mints ids, a join page leads straight on', async () => {
    assert.equal((await rawRequest(lab, LESSON)).status, 200);
    const session = await fetch(`${lab.url}/_lab/session`, { method: 'POST', headers: { origin: lab.origin } });
    assert.equal(session.status, 204);
    assert.match(session.headers.get('set-cookie') ?? '', /^socketlab_learner=/);
    const join = await rawRequest(lab, `/en/join/?next=${encodeURIComponent(EN_LESSON)}`);
    assert.equal(join.status, 303);
    assert.equal(join.headers.location, EN_LESSON);
    assert.equal((await rawRequest(lab, '/join/?next=//evil.example/')).headers.location, '/');
    assert.equal((await rawRequest(lab, '/en/join/')).headers.location, '/en/');
    const post = await postJoin(lab, { passcode: 'anything', name: 'Ann' });
    assert.equal(post.status, 404);
    assert.match(post.body, /no passcode/);
    assert.equal(post.setCookie, null);
  });
});
