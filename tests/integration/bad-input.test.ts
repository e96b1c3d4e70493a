/**
 * Bad input everywhere gets a clear refusal, changes nothing, and never takes the backend down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FIXTURE_LAB, startFixtureLab } from '../support/fixture-lab.ts';
import { labSocket, newLearnerCookie, TerminalProbe, type TestLab } from '../support/lab-harness.ts';
import { rawRequest } from '../support/raw-http.ts';
import { openRaw, socketUrl, upgradeStatus } from '../support/raw-socket.ts';

/** A raw GET, for paths fetch() would normalise before sending. */
async function rawGet(lab: TestLab, path: string, method = 'GET'): Promise<{ status: number; location?: string }> {
  const { status, headers } = await rawRequest(lab, path, { method });
  return { status, ...(headers.location ? { location: headers.location } : {}) };
}

describe('bad input', () => {
  let lab: TestLab;
  let cookie: string;

  before(async () => {
    lab = await startFixtureLab();
    cookie = await newLearnerCookie(lab);
  });

  after(() => lab?.close());

  test('upgrades from another origin, without a learner, or for no lab are refused with plain HTTP errors, and logged', async () => {
    const url = socketUrl(lab, FIXTURE_LAB);
    const cases: [string, string, Record<string, string>, number][] = [
      ['another origin', url, { cookie, origin: 'http://evil.example' }, 403],
      ['same host, other port', url, { cookie, origin: 'http://127.0.0.1:1' }, 403],
      ['no origin', url, { cookie }, 403],
      ['null origin', url, { cookie, origin: 'null' }, 403],
      ['no cookie', url, { origin: lab.origin }, 401],
      ['forged cookie', url, { cookie: 'socketlab_learner=short', origin: lab.origin }, 401],
      ['malformed lab id', url.replace(FIXTURE_LAB, '../../etc'), { cookie, origin: lab.origin }, 400],
      ['missing lab id', url.replace(`?lab=${FIXTURE_LAB}`, ''), { cookie, origin: lab.origin }, 400],
      ['unknown lab', url.replace(FIXTURE_LAB, '99-no-such-lab'), { cookie, origin: lab.origin }, 404],
      ['another path', url.replace('/_lab/ws', '/_lab/other'), { cookie, origin: lab.origin }, 404],
    ];
    for (const [what, target, headers, status] of cases) {
      assert.equal(await upgradeStatus(target, headers), status, what);
    }
    const refusals = lab.log.filter((line) => line.message === 'upgrade refused').map((line) => line.fields['status']);
    assert.deepEqual(refusals, [403, 403, 403, 403, 401, 401, 400, 400, 404]);
    assert.equal(lab.site.lab.registry.size, 0, 'no refused upgrade created a workspace');
    assert.equal(await upgradeStatus(url, { cookie, origin: lab.origin }), 101);
  });

  test('the session endpoint only answers same-origin POSTs and keeps an existing learner id', async () => {
    const session = `${lab.url}/_lab/session`;
    assert.equal((await fetch(session)).status, 405);
    assert.equal((await fetch(session, { method: 'POST', headers: { origin: 'http://evil.example' } })).status, 403);
    const again = await fetch(session, { method: 'POST', headers: { origin: lab.origin, cookie } });
    assert.equal(again.status, 204);
    assert.equal(again.headers.get('set-cookie'), null);
    const fresh = await fetch(session, { method: 'POST', headers: { origin: lab.origin } });
    assert.match(fresh.headers.get('set-cookie') ?? '', /^socketlab_learner=[\w-]{22}; .*HttpOnly; SameSite=Strict/);
    assert.equal((await fetch(`${lab.url}/_lab/nothing`)).status, 404);
  });

  test('malformed and out-of-place messages get an error back and change nothing', async () => {
    const raw = await openRaw(lab, FIXTURE_LAB, cookie);
    await raw.next((m) => m.type === 'hello', 'hello');
    const expectError = async (send: () => void, code: string) => {
      send();
      const message = await raw.next((m) => m.type === 'error', `error ${code}`);
      assert.equal(message.type === 'error' && message.code, code, JSON.stringify(message));
    };
    await expectError(() => raw.ws.send('not json'), 'bad-message');
    await expectError(() => raw.ws.send('{"type":"detonate"}'), 'bad-message');
    await expectError(() => raw.ws.send('{"type":"attach","terminal":"t1","cols":-1,"rows":24}'), 'bad-message');
    await expectError(() => raw.ws.send('{"type":"attach","terminal":"t1","cols":80,"rows":24,"x":1}'), 'bad-message');
    await expectError(() => raw.ws.send('{"type":"ack","terminal":"t1","bytes":-5}'), 'bad-message');
    await expectError(() => raw.ws.send('{"type":"encoding","terminal":"t1","encoding":"ebcdic"}'), 'bad-message');
    await expectError(() => raw.ws.send('[]'), 'bad-message');
    await expectError(() => raw.ws.send('{"type":"attach","terminal":"t9","cols":80,"rows":24}'), 'unknown-terminal');
    await expectError(() => raw.ws.send('{"type":"run","terminal":"t1","command":0}'), 'not-attached');
    await expectError(() => raw.ws.send(Buffer.from([0, 0x6c, 0x73, 0x0d])), 'not-attached');
    await expectError(() => raw.ws.send(Buffer.alloc(0)), 'not-attached');
    const fixture = lab.site.lab.catalog.get(FIXTURE_LAB);
    assert.ok(fixture);
    const lease = await lab.site.lab.registry.acquire(learnerOf(cookie), fixture);
    try {
      assert.ok(
        [...lease.workspace.terminals].every((t) => t.pid === null),
        'no terminal was started',
      );
    } finally {
      lease.release();
    }

    raw.ws.send('{"type":"attach","terminal":"t3","cols":80,"rows":24}');
    await raw.next((m) => m.type === 'attached', 'attached');
    await expectError(() => raw.ws.send('{"type":"run","terminal":"t3","command":0}'), 'unknown-command');
    await expectError(() => raw.ws.send('{"type":"restart","terminal":"t3","command":5}'), 'unknown-command');
    await expectError(() => raw.ws.send(Buffer.from([7, 0x6c])), 'not-attached');

    // Larger than maxPayload: the connection is closed (1009), the backend carries on.
    raw.ws.send('x'.repeat(70 * 1024));
    assert.equal((await raw.closed).code, 1009);

    const socket = labSocket(lab, FIXTURE_LAB, cookie);
    try {
      const shell = new TerminalProbe(socket, 't3');
      await shell.waitForStatus('idle');
      const result = await shell.exec('echo still $((40 + 2))');
      assert.match(result.output, /still 42/);
    } finally {
      socket.close();
    }
  });

  test('the static server keeps to the site directory and answers odd paths plainly', async () => {
    assert.equal((await rawGet(lab, '/../../../etc/passwd')).status, 404);
    assert.equal((await rawGet(lab, '/%2e%2e/%2e%2e/etc/passwd')).status, 404);
    assert.equal((await rawGet(lab, '/%ff')).status, 400);
    assert.equal((await rawGet(lab, '/a%00b')).status, 400);
    assert.equal((await rawGet(lab, '/', 'POST')).status, 405);
    assert.equal((await rawGet(lab, '/', 'DELETE')).status, 405);
    const slash = await rawGet(lab, '/en');
    assert.equal(slash.status, 301);
    assert.equal(slash.location, '/en/');
    const doubled = await rawGet(lab, '//en');
    if (doubled.location) assert.ok(doubled.location.startsWith('/') && !doubled.location.startsWith('//'));
    assert.equal((await rawGet(lab, '/')).status, 200);
  });
});

function learnerOf(cookie: string): string {
  return cookie.split('=')[1] as string;
}
