/**
 * The wire panes of one lab connection: each open pane has its own capture (workspace-captures.ts), whose segments
 * it sends the page with flow control like a terminal's output: at most CAPTURE.inFlightSegments unacknowledged.
 * While the page is behind, the newest CAPTURE.heldSegments wait and older ones are skipped, the page told how many
 * in their place: a flood on the loopback never grows the backend's memory, and never slows the terminals (the
 * capture is read on its own, whatever the page does). Captures end with the pane or the connection.
 */
import type { CaptureMessage, PaneEvent } from '#protocol/messages.ts';
import type { CaptureSegment } from '#protocol/capture.ts';
import type { LabPane } from '#protocol/lab-manifest.ts';
import { CAPTURE } from '#protocol/limits.ts';
import type { PcapHeader, PcapRecord } from '#protocol/pcap.ts';
import type { Logger } from '../log.ts';
import { PaneError } from '../panes/pane-sessions.ts';
import type { CaptureProcess } from './capture-process.ts';
import { SegmentSummary } from './segment-summary.ts';
import type { WorkspaceCaptures } from './workspace-captures.ts';

export interface CapturePanesContext {
  panes: readonly LabPane[];
  captures: WorkspaceCaptures;
  send(pane: string, event: PaneEvent): void;
  log: Logger;
}

export class CapturePanes {
  readonly #context: CapturePanesContext;
  readonly #open = new Map<string, CapturePane>();
  #closed = false;

  constructor(context: CapturePanesContext) {
    this.#context = context;
  }

  handle(message: CaptureMessage): void {
    if (this.#closed) return;
    const pane = this.#context.panes.find((p) => p.id === message.pane);
    if (!pane || pane.kind !== 'wire')
      throw new PaneError('unknown-pane', `this lab has no wire pane "${message.pane}"`);
    const open = this.#open.get(pane.id);
    switch (message.type) {
      case 'capture-open':
        if (!open) this.#start(pane.id);
        break;
      case 'capture-close':
        this.#open.delete(pane.id);
        open?.close('off', '');
        break;
      case 'capture-ack':
        open?.ack(message.segments);
        break;
    }
  }

  /** Ends every capture. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const pane of this.#open.values()) pane.close(null, '');
    this.#open.clear();
  }

  #start(id: string): void {
    const send = (event: PaneEvent) => this.#context.send(id, event);
    const pane = new CapturePane(send, this.#context.captures, () => {
      if (this.#open.get(id) === pane) this.#open.delete(id);
    });
    this.#open.set(id, pane);
    pane.start();
  }
}

/** One pane's capture: what it holds for the page, what the page has not acknowledged. */
class CapturePane {
  readonly #send: (event: PaneEvent) => void;
  readonly #captures: WorkspaceCaptures;
  readonly #onEnd: () => void;
  #process: CaptureProcess | null = null;
  #summary: SegmentSummary | null = null;
  #header: PcapHeader | null = null;
  #held: CaptureSegment[] = [];
  #skipped = 0;
  #inFlight = 0;
  #scheduled = false;
  #ended = false;

  constructor(send: (event: PaneEvent) => void, captures: WorkspaceCaptures, onEnd: () => void) {
    this.#send = send;
    this.#captures = captures;
    this.#onEnd = onEnd;
  }

  start(): void {
    try {
      this.#process = this.#captures.start({
        ready: () => {
          if (!this.#ended) this.#send({ kind: 'capture-state', state: 'on', detail: '' });
        },
        records: (header, records) => this.#take(header, records),
        ended: (problem) => this.close('failed', problem ?? ''),
      });
    } catch (error) {
      if (error instanceof PaneError) {
        this.#ended = true;
        this.#onEnd();
        throw error;
      }
      this.close('failed', (error as Error).message);
    }
  }

  ack(segments: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - segments);
    this.#schedule();
  }

  /** Stops the capture; with a state, tells the page. Idempotent. */
  close(state: 'off' | 'failed' | null, detail: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd();
    this.#held = [];
    void this.#process?.stop();
    if (state) this.#send({ kind: 'capture-state', state, detail });
  }

  #take(header: PcapHeader, records: PcapRecord[]): void {
    if (this.#ended) return;
    this.#header = header;
    this.#summary ??= new SegmentSummary(header.linkType);
    // A flood brings hundreds of records a read. Those older than what the hold keeps would be dropped unread: they
    // are only counted (the capture's filter lets nothing but TCP and UDP through), which bounds the backend's work
    // per read whatever the loopback carries.
    const unread = Math.max(0, records.length - CAPTURE.heldSegments);
    if (unread > 0) {
      this.#summary.skip(unread);
      this.#skipped += unread;
    }
    for (const record of records.slice(unread)) {
      const segment = this.#summary.summarise(record);
      if (!segment) continue;
      this.#captures.feed.publish(segment);
      this.#held.push(segment);
    }
    const over = this.#held.length - CAPTURE.heldSegments;
    if (over > 0) {
      this.#held.splice(0, over);
      this.#skipped += over;
    }
    this.#schedule();
  }

  /** Sends at the end of this turn, so that the records of one read go out together. */
  #schedule(): void {
    if (this.#scheduled || this.#ended) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    const header = this.#header;
    if (this.#ended || !header) return;
    while (this.#held.length > 0 && this.#inFlight < CAPTURE.inFlightSegments) {
      if (this.#skipped > 0) {
        this.#send({ kind: 'capture-skipped', count: this.#skipped });
        this.#skipped = 0;
      }
      const room = Math.min(CAPTURE.batchSegments, CAPTURE.inFlightSegments - this.#inFlight);
      const segments = this.#held.splice(0, room);
      this.#inFlight += segments.length;
      this.#send({ kind: 'capture-segments', linkType: header.linkType, snapLength: header.snapLength, segments });
    }
  }
}
