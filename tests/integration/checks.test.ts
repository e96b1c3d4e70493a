/**
 * Checks with the real backend and sandbox: a passed check survives a restart of the backend (same data directory),
 * nothing is evaluated while no page is attached, and the progress endpoint counts what the learner passed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { progressSchema } from '#protocol/progress.ts';
import { ChecksProbe } from '../support/checks-probe.ts';
import { labSocket, newLearnerCookie, startTestLab, TerminalProbe, type TestLab } from '../support/lab-harness.ts';
import { eventually, letTimePass } from '../support/waiters.ts';

const LAB = '01-first-client-server';
const learnerOf = (cookie: string) => cookie.split('=')[1] as string;

describe('checks across restarts and absences', () => {
  let dataDir: string;
  let lab: TestLab | null = null;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'checks-data-'));
  });
  after(async () => {
    await lab?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => (lab = await startTestLab(['--data-dir', dataDir, '--idle-timeout', '600']));
  const progress = async (cookie: string | null) => {
    const response = await fetch(`${lab?.url}/_lab/progress`, { headers: cookie ? { cookie } : {} });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    return progressSchema.parse(await response.json());
  };
  /** A page: its checks heard, terminal t1 attached and at its prompt. */
  const page = async (cookie: string) => {
    if (!lab) throw new Error('no lab');
    const socket = labSocket(lab, LAB, cookie);
    const checks = new ChecksProbe();
    checks.listen(socket);
    const t1 = new TerminalProbe(socket, 't1');
    await t1.waitForStatus('idle');
    return { socket, checks, t1 };
  };

  test('a pass is kept across a restart, is not evaluated while detached, and counts in the progress', async () => {
    await start();
    const cookie = await newLearnerCookie(lab as TestLab);
    const first = await page(cookie);
    await first.checks.unchecked('listening');
    first.t1.type('python3 server.py\r');
    await first.checks.passes('listening');

    // The workspace's own count of evaluations: it moves while the page is there...
    const site = (lab as TestLab).site.lab;
    const lesson = site.catalog.get(LAB);
    assert.ok(lesson);
    const lease = await site.registry.acquire(learnerOf(cookie), lesson);
    const { checks } = lease.workspace;
    lease.release();
    const attached = checks.evaluations;
    await eventually(() => checks.evaluations > attached, 'an evaluation while attached');

    // ...and stays flat once it is gone, whatever the programs do meanwhile.
    first.socket.close();
    await letTimePass(500);
    const detached = checks.evaluations;
    await letTimePass(3000);
    assert.equal(checks.evaluations, detached, 'evaluations while no page was attached');

    const mine = await progress(cookie);
    assert.deepEqual(mine.labs[LAB], { total: 5, passed: 1 });
    const nobody = await progress(null);
    assert.deepEqual(nobody.labs[LAB], { total: 5, passed: 0 });

    await lab?.close();
    lab = null;
    await start();
    const again = await page(cookie);
    await again.checks.passes('listening', 5000);
    await again.checks.unchecked('upper-case');
    assert.deepEqual((await progress(cookie)).labs[LAB], { total: 5, passed: 1 });
    again.socket.close();
  });
});
