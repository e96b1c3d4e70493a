/**
 * A workspace's captures: it starts them (at most CAPTURE.perWorkspace at once, one per open wire pane) and ends them
 * all, from every way the workspace ends (closed, reaped, reset, its sandbox gone, the backend shutting down), so no
 * tcpdump outlives its workspace. Their segments go out through `feed` as well as to their panes.
 */
import { CAPTURE } from '#protocol/limits.ts';
import type { Logger } from '../log.ts';
import { PaneError } from '../panes/pane-sessions.ts';
import type { ProcessSpec } from '../sandbox/argv.ts';
import { startCapture, type CaptureHandlers, type CaptureProcess } from './capture-process.ts';
import { SegmentFeed } from './segment-feed.ts';

export class WorkspaceCaptures {
  readonly feed: SegmentFeed;
  readonly #spec: () => ProcessSpec;
  readonly #log: Logger;
  readonly #live = new Set<CaptureProcess>();
  #ended = false;

  constructor(spec: () => ProcessSpec, log: Logger) {
    this.#spec = spec;
    this.#log = log;
    this.feed = new SegmentFeed(log);
  }

  /**
   * Starts a capture of the workspace's loopback. Throws PaneError `busy` when enough already run, and an Error saying
   * why when the workspace cannot be captured (it ended; it has no sandbox).
   */
  start(handlers: CaptureHandlers): CaptureProcess {
    if (this.#ended) throw new Error('the workspace has ended');
    if (this.#live.size >= CAPTURE.perWorkspace) {
      throw new PaneError('busy', `at most ${CAPTURE.perWorkspace} wire views of one lab can capture at once`);
    }
    const spec = this.#spec();
    const capture: CaptureProcess = startCapture(
      spec,
      {
        ...handlers,
        ended: (problem) => {
          this.#live.delete(capture);
          handlers.ended(problem);
        },
      },
      this.#log,
    );
    this.#live.add(capture);
    return capture;
  }

  /** Ends every capture and refuses new ones. Idempotent. */
  async stopAll(): Promise<void> {
    this.#ended = true;
    await Promise.all([...this.#live].map((capture) => capture.stop()));
  }
}
