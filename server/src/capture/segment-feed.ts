/**
 * Every segment a workspace's wire view captures, as it is captured, for whoever wants to watch: the self-checking
 * steps ("you saw a RST") subscribe here. In a flood, records beyond what a pane holds are counted unread and do not
 * come through here (capture-panes.ts). Listeners run synchronously on the capture's path, so they must be quick;
 * one that throws is logged and dropped, never the capture.
 */
import type { CaptureSegment } from '#protocol/capture.ts';
import type { Logger } from '../log.ts';

export type SegmentListener = (segment: CaptureSegment) => void;

export class SegmentFeed {
  readonly #listeners = new Set<SegmentListener>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Calls `listener` with each segment from now on; returns what stops it. */
  subscribe(listener: SegmentListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(segment: CaptureSegment): void {
    for (const listener of this.#listeners) {
      try {
        listener(segment);
      } catch (error) {
        this.#listeners.delete(listener);
        this.#log.error('a segment listener failed and was dropped', { error: String(error) });
      }
    }
  }
}
