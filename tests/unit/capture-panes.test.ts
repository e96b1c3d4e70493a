/**
 * A wire pane's capture in the backend, fed by a process that writes a recorded capture the way tcpdump does (its
 * "listening on" line, then pcap on stdout): flow control and the skipped count, refusals, a capture that cannot
 * start, and the end of the process with the pane.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CapturePanes } from '../../server/src/capture/capture-panes.ts';
import { WorkspaceCaptures } from '../../server/src/capture/workspace-captures.ts';
import { createRecordingLogger } from '../../server/src/log.ts';
import { PaneError } from '../../server/src/panes/pane-sessions.ts';
import type { CaptureSegment } from '#protocol/capture.ts';
import { labPaneSchema } from '#protocol/lab-manifest.ts';
import { CAPTURE } from '#protocol/limits.ts';
import type { PaneEvent } from '#protocol/messages.ts';
import { pcapFile, PcapReader, type PcapRecord } from '#protocol/pcap.ts';
import { eventually } from '../support/waiters.ts';

const PANES = [
  labPaneSchema.parse({ kind: 'wire', id: 'wire', title: { 'zh-CN': '抓包', en: 'Wire' }, port: 23334 }),
  labPaneSchema.parse({ kind: 'preview', id: 'page', title: { 'zh-CN': '页', en: 'page' }, port: 80 }),
];
const DATAGRAMS = 2000;

describe('capture panes', () => {
  let dir: string;
  let flood: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'socket-lab-capture-'));
    const reader = new PcapReader();
    const records = reader.push(await readFile(path.join(import.meta.dirname, '..', 'fixtures', 'pcap', 'udp.pcap')));
    const many = Array.from({ length: DATAGRAMS }, (_, i) => records[i % records.length] as PcapRecord);
    flood = path.join(dir, 'flood.pcap');
    await writeFile(flood, pcapFile(reader.header?.linkType ?? 1, 2048, many));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A pane set whose captures run `script` (sh) instead of tcpdump; `alive` tells whether one still runs. */
  function panes(script: string) {
    const events: PaneEvent[] = [];
    const log = createRecordingLogger();
    const captures = new WorkspaceCaptures(() => ({ file: '/bin/sh', args: ['-c', script], env: {}, cwd: '/' }), log);
    const fed: CaptureSegment[] = [];
    captures.feed.subscribe((segment) => fed.push(segment));
    const set = new CapturePanes({ panes: PANES, captures, send: (_pane, event) => events.push(event), log });
    return { events, set, captures, fed };
  }
  const segmentsOf = (events: PaneEvent[]) => events.flatMap((e) => (e.kind === 'capture-segments' ? e.segments : []));
  const skippedOf = (events: PaneEvent[]) =>
    events.reduce((n, e) => n + (e.kind === 'capture-skipped' ? e.count : 0), 0);

  test('unacknowledged segments stop at the in-flight limit; older held ones are skipped and counted', async () => {
    const { events, set, fed } = panes(`echo 'listening on lo' >&2; cat '${flood}'; exec sleep 60`);
    set.handle({ type: 'capture-open', pane: 'wire' });
    await eventually(() => segmentsOf(events).length === CAPTURE.inFlightSegments, 'the first window');
    assert.equal(events[0]?.kind, 'capture-state');
    // The page catches up, a window at a time, until every datagram was either sent or counted as skipped.
    let acked = 0;
    await eventually(
      () => {
        const got = segmentsOf(events).length;
        if (got > acked) set.handle({ type: 'capture-ack', pane: 'wire', segments: got - acked });
        acked = got;
        return got + skippedOf(events) === DATAGRAMS;
      },
      () => `the rest: ${segmentsOf(events).length} segments, ${skippedOf(events)} skipped`,
    );
    assert.ok(skippedOf(events) > 0);
    assert.ok(segmentsOf(events).length <= CAPTURE.inFlightSegments + CAPTURE.heldSegments);
    const received = segmentsOf(events);
    assert.equal(received.at(-1)?.n, DATAGRAMS, 'the newest are the ones kept');
    assert.equal(fed.at(-1)?.n, DATAGRAMS, 'the feed saw what was read');
    assert.ok(events.every((e) => e.kind !== 'capture-segments' || e.segments.length <= CAPTURE.batchSegments));
    set.handle({ type: 'capture-close', pane: 'wire' });
    assert.deepEqual(events.at(-1), { kind: 'capture-state', state: 'off', detail: '' });
  });

  test('a capture that cannot start, or that ends by itself, says why', async () => {
    const failing = panes(`echo 'tcpdump: lo: No such device exists' >&2; exit 1`);
    failing.set.handle({ type: 'capture-open', pane: 'wire' });
    await eventually(() => failing.events.length > 0, 'an event');
    assert.deepEqual(failing.events, [
      { kind: 'capture-state', state: 'failed', detail: 'tcpdump: lo: No such device exists' },
    ]);
    const unsafe = new CapturePanes({
      panes: PANES,
      captures: new WorkspaceCaptures(() => {
        throw new Error('the wire view needs the sandbox');
      }, createRecordingLogger()),
      send: (_pane, event) => failing.events.push(event),
      log: createRecordingLogger(),
    });
    unsafe.handle({ type: 'capture-open', pane: 'wire' });
    assert.deepEqual(failing.events.at(-1), {
      kind: 'capture-state',
      state: 'failed',
      detail: 'the wire view needs the sandbox',
    });
  });

  test('another kind of pane is refused, and so are captures beyond the per-workspace limit', async () => {
    const { set, captures } = panes(`echo 'listening on lo' >&2; exec sleep 60`);
    assert.throws(() => set.handle({ type: 'capture-open', pane: 'page' }), PaneError);
    set.handle({ type: 'capture-open', pane: 'wire' });
    set.handle({ type: 'capture-open', pane: 'wire' });
    const second = new CapturePanes({
      panes: PANES,
      captures,
      send: () => {},
      log: createRecordingLogger(),
    });
    second.handle({ type: 'capture-open', pane: 'wire' });
    const third = new CapturePanes({ panes: PANES, captures, send: () => {}, log: createRecordingLogger() });
    assert.throws(() => third.handle({ type: 'capture-open', pane: 'wire' }), /at most 2/);
    set.close();
    second.close();
    await captures.stopAll();
  });
});
