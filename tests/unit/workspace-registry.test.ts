import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { createRecordingLogger } from '../../server/src/log.ts';
import { LimitError, WorkspaceRegistry, type RegistryLimits } from '../../server/src/workspace/workspace-registry.ts';
import { fakeLab, FakeWorkspaces, settled, type FakeWorkspace } from '../support/fake-workspace.ts';

const IDLE_MS = 60_000;
const HELLO = fakeLab('01-hello');
const ECHO = fakeLab('02-echo');
const CHAT = fakeLab('03-chat');

function setup(limits: Partial<RegistryLimits> = {}, { clearFails = false } = {}) {
  const fakes = new FakeWorkspaces();
  const cleared: string[] = [];
  /** Creations and clears of saved work, in order. */
  const events: string[] = [];
  const log = createRecordingLogger();
  const registry = new WorkspaceRegistry({
    limits: { maxWorkspaces: 10, maxWorkspacesPerLearner: 3, idleTimeoutMs: IDLE_MS, ...limits },
    createWorkspace: (spec) => {
      events.push(`create ${spec.learnerId}/${spec.lab.id}`);
      return fakes.create(spec);
    },
    work: {
      clear: (learnerId, labId) => {
        if (clearFails) throw new Error('database is locked');
        cleared.push(`${learnerId}/${labId}`);
        events.push(`clear ${learnerId}/${labId}`);
      },
    },
    // The slot is the uid, so each workspace's spec says which slot it got.
    identityForSlot: (slot) => ({ uid: slot, gid: slot }),
    log,
  });
  /** A lease on a new workspace that starts at once. */
  const open = async (learnerId: string, lab = HELLO) => {
    const before = fakes.creations.length;
    const leased = registry.acquire(learnerId, lab);
    await settled();
    assert.equal(fakes.creations.length, before + 1, 'a new workspace');
    const workspace = fakes.last.start();
    return { lease: await leased, workspace };
  };
  return { registry, fakes, cleared, events, log, open };
}

const slotOf = (workspace: FakeWorkspace) => workspace.spec.identity?.uid;

/** Whether `promise` has settled by the time everything ready to run has run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await settled();
  return done;
}

function mockClock(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
}

describe('WorkspaceRegistry', () => {
  test('one workspace per learner and lab, shared by its leases; active while leased', async () => {
    const { registry, fakes } = setup();
    const leases = [registry.acquire('ann', HELLO), registry.acquire('ann', HELLO)];
    await settled();
    assert.equal(fakes.creations.length, 1);
    const workspace = fakes.last.start();
    const [first, second] = await Promise.all(leases);
    assert.ok(first && second);
    assert.equal(first.workspace, workspace);
    assert.equal(second.workspace, workspace);
    assert.equal(registry.size, 1);
    assert.deepEqual(workspace.activity, [true, true]);

    first.release();
    first.release();
    assert.deepEqual(workspace.activity, [true, true], 'one lease is still out; a second release is a no-op');
    second.release();
    assert.deepEqual(workspace.activity, [true, true, false]);
    assert.equal(registry.size, 1, 'an idle workspace lives on');
  });

  test('an idle workspace is reaped after the idle timeout, not before; a new lease cancels the reap', async (t) => {
    mockClock(t);
    const { registry, log, open } = setup();
    const { lease, workspace } = await open('ann');
    lease.release();

    t.mock.timers.tick(IDLE_MS - 1);
    (await registry.acquire('ann', HELLO)).release();
    t.mock.timers.tick(IDLE_MS - 1);
    await settled();
    assert.deepEqual(workspace.closes, [], 'the second lease restarted the idle time');

    t.mock.timers.tick(1);
    await settled();
    assert.deepEqual(workspace.closes, [{ discard: false }]);
    assert.equal(registry.size, 0, 'unlisted as soon as it is reaped');
    workspace.finishClose();
    await settled();
    assert.ok(log.lines.some((l) => l.message === 'workspace reaped' && l.fields['why'] === 'idle'));
  });

  test('a workspace reaped while still starting is closed once it exists', async () => {
    const { registry, fakes } = setup();
    const lease = registry.acquire('ann', HELLO);
    const closing = registry.closeAll();
    assert.equal(registry.size, 0);
    assert.equal(await isSettled(closing), false);
    assert.equal(fakes.creations.length, 1);

    const workspace = fakes.last.start();
    await settled();
    assert.deepEqual(workspace.closes, [{ discard: false }]);
    // The connection still gets its workspace, which then ends: the page reconnects.
    assert.equal((await lease).workspace, workspace);
    assert.equal(await isSettled(closing), false, 'shutdown waits for the close');
    workspace.finishClose();
    await closing;
  });

  test('a workspace reaped while starting whose creation then fails is gone without a close', async () => {
    const { registry, fakes } = setup();
    const failing = registry.acquire('ann', HELLO);
    const closing = registry.closeAll();
    await settled();
    fakes.last.fail(new Error('no bwrap'));
    await assert.rejects(failing, /no bwrap/);
    await closing;
  });

  test('a workspace whose creation fails frees its slot once, and the next acquire makes a new one', async () => {
    const { registry, fakes, log, open } = setup();
    const failing = registry.acquire('ann', HELLO);
    await settled();
    fakes.last.fail(new Error('no bwrap'));
    await assert.rejects(failing, /no bwrap/);
    assert.equal(registry.size, 0);
    assert.ok(log.lines.some((l) => l.level === 'error' && l.message === 'could not create a workspace'));

    const { workspace } = await open('ann');
    assert.equal(slotOf(workspace), 1, 'the failed one gave its slot back');
    assert.equal(slotOf((await open('bob')).workspace), 2, 'and only once: slot 1 is taken');
  });

  test('a workspace whose sandbox dies is reaped; the next one starts once it has finished closing', async () => {
    const { registry, fakes, open } = setup();
    const { workspace } = await open('ann');
    workspace.die();
    await settled();
    assert.deepEqual(workspace.closes, [{ discard: false }], 'whatever is left of it is cleaned up, its work saved');
    assert.equal(registry.size, 0);

    const again = registry.acquire('ann', HELLO);
    await settled();
    assert.equal(fakes.creations.length, 1, 'the next one would not restore the last save');
    assert.equal(registry.check('ann', HELLO), null, 'another tab joins the waiting one');
    workspace.finishClose();
    await settled();
    assert.equal(fakes.creations.length, 2);
    const fresh = fakes.last.start();
    assert.equal((await again).workspace, fresh);
  });

  test('a learner at their own limit swaps their least recently used idle workspace for the new lesson', async (t) => {
    mockClock(t);
    const { registry, open } = setup({ maxWorkspacesPerLearner: 2 });
    const hello = await open('ann', HELLO);
    const echo = await open('ann', ECHO);
    echo.lease.release();
    t.mock.timers.tick(1000);
    hello.lease.release();

    await open('ann', CHAT);
    await settled();
    assert.deepEqual(echo.workspace.closes, [{ discard: false }], 'the one left longest ago goes');
    assert.deepEqual(hello.workspace.closes, []);
    assert.equal(registry.size, 2);
  });

  test('a learner whose workspaces are all in use is refused with 429', async () => {
    const { registry, fakes, open } = setup({ maxWorkspacesPerLearner: 1 });
    await open('ann', HELLO);
    const refusal = registry.check('ann', ECHO);
    assert.ok(refusal instanceof LimitError);
    assert.equal(refusal.status, 429);
    await assert.rejects(registry.acquire('ann', ECHO), (e) => e instanceof LimitError && e.status === 429);
    assert.equal(registry.check('ann', HELLO), null, 'the open lesson can still be joined');
    assert.equal(fakes.creations.length, 1);
  });

  test('a full lab refuses new workspaces with 503, but a learner may still swap an idle one', async () => {
    const { registry, open } = setup({ maxWorkspaces: 2, maxWorkspacesPerLearner: 1 });
    const ann = await open('ann');
    await open('bob');

    const refusal = registry.check('cid', HELLO);
    assert.ok(refusal instanceof LimitError);
    assert.equal(refusal.status, 503);
    await assert.rejects(registry.acquire('cid', HELLO), (e) => e instanceof LimitError && e.status === 503);
    assert.equal(registry.check('ann', HELLO), null, 'an open workspace can still be joined');

    ann.lease.release();
    assert.equal(registry.check('ann', ECHO), null, 'the total does not grow');
  });

  test('"reset files" ends the workspace without saving and clears the saved work, before a next one starts', async () => {
    const { registry, fakes, cleared, events, open } = setup();
    const { workspace } = await open('ann');
    const reset = registry.resetFiles('ann', HELLO);
    await settled();
    assert.deepEqual(workspace.closes, [{ discard: true }]);
    assert.equal(registry.size, 0);
    assert.deepEqual(cleared, [], 'not while the workspace still runs');

    // The page reconnects as soon as its workspace has ended.
    const reconnect = registry.acquire('ann', HELLO);
    workspace.finishClose();
    await reset;
    await settled();
    assert.deepEqual(events, ['create ann/01-hello', 'clear ann/01-hello', 'create ann/01-hello']);
    fakes.last.start();
    await reconnect;
  });

  test('"reset files" with no workspace clears the saved work; with one already closing, after it', async (t) => {
    mockClock(t);
    const { registry, cleared, open } = setup();
    await registry.resetFiles('ann', HELLO);
    assert.deepEqual(cleared, ['ann/01-hello']);

    const { lease, workspace } = await open('ann');
    lease.release();
    t.mock.timers.tick(IDLE_MS);
    const reset = registry.resetFiles('ann', HELLO);
    assert.equal(await isSettled(reset), false, 'the idle reap saves the work as it closes');
    workspace.finishClose();
    await reset;
    assert.deepEqual(cleared, ['ann/01-hello', 'ann/01-hello']);
  });

  test('"reset files" while the workspace starts clears the saved work even when it then fails to start', async () => {
    const { registry, fakes, cleared } = setup();
    const failing = registry.acquire('ann', HELLO);
    const reset = registry.resetFiles('ann', HELLO);
    await settled();
    fakes.last.fail(new Error('no bwrap'));
    await assert.rejects(failing, /no bwrap/);
    await reset;
    assert.deepEqual(cleared, ['ann/01-hello']);
  });

  test('"reset files" that cannot clear the saved work says so, and the workspace is gone all the same', async () => {
    const { registry, open } = setup({}, { clearFails: true });
    const { workspace } = await open('ann');
    const reset = registry.resetFiles('ann', HELLO);
    await settled();
    workspace.finishClose();
    await assert.rejects(reset, /database is locked/);
    await registry.closeAll();
  });

  test('closeAll closes every workspace, waits for each, and refuses new ones with 503', async () => {
    const { registry, open } = setup();
    const dying = (await open('ann')).workspace;
    const rest = [(await open('bob')).workspace, (await open('cid')).workspace];
    dying.die();
    await settled();

    const closing = registry.closeAll();
    assert.equal(registry.check('dan', HELLO)?.status, 503);
    await settled();
    for (const workspace of [dying, ...rest]) assert.equal(workspace.closes.length, 1);
    for (const workspace of rest) workspace.finishClose();
    assert.equal(await isSettled(closing), false, 'the one already closing is waited for too');
    dying.finishClose();
    await closing;
  });

  test('a slot (host uid) is not reused before its workspace has finished closing, even when cleanup fails', async () => {
    const { registry, log, open } = setup();
    const first = (await open('ann')).workspace;
    assert.equal(slotOf(first), 1);
    void registry.resetFiles('ann', HELLO);

    assert.equal(slotOf((await open('bob')).workspace), 2, 'slot 1 still has processes');
    first.finishClose(new Error('rmdir: busy'));
    await settled();
    assert.ok(log.lines.some((l) => l.level === 'error' && l.message === 'workspace cleanup failed'));
    assert.equal(slotOf((await open('cid')).workspace), 1);
  });
});
