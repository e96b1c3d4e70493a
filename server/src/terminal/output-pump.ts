/**
 * Carries a terminal's output to the one view showing it, with watermark flow control: the pty is not read while the
 * view has too much output it has not acknowledged (or while no view is there), so a flooding program blocks in
 * write() instead of growing the backend's memory, and Ctrl-C, which travels the other way, still stops it.
 */
import { FLOW_CONTROL } from '#protocol/limits.ts';
import { FrameBuffers } from './frame-buffers.ts';

/**
 * A turn's output this large is bulk output (a flood arrives as one pty read of up to 4 KiB per turn), not a
 * keystroke's echo or a prompt, which go out at the end of their turn.
 */
const BULK_BYTES = 1024;
/**
 * Bulk output is held until it makes a frame this large, or for at most HOLD_MS: one frame per pty read cost the
 * backend a send, and the page a message and an acknowledgement, for every 4 KiB.
 */
const FRAME_BYTES = 32 * 1024;
const HOLD_MS = 1;

/** Where output goes: a connection, which frames it for one page. */
export interface OutputSink {
  /**
   * A binary frame, ready to send; `sent` must be called once it has left for the network (or will never leave):
   * only then is the frame's buffer used again.
   */
  output(frame: Buffer, sent: () => void): void;
  /** Bytes handed to the connection and not yet on their way (a browser that stopped reading piles them up). */
  backlog(): number;
}

/** What the pump holds back: node-pty's IPty is one. */
export interface OutputSource {
  pause(): void;
  resume(): void;
}

export class OutputPump<S extends OutputSink = OutputSink> {
  readonly #channel: number;
  readonly #holdMs: number;
  #sink: S | null = null;
  #source: OutputSource | null = null;
  /** Output not sent yet: this turn's, or bulk output held for a larger frame. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #turnEndScheduled = false;
  /** Sends held bulk output when its time is up. */
  #holdTimer: NodeJS.Timeout | null = null;
  #unacked = 0;
  #paused = false;
  // Bound once: the output path allocates no closure per frame.
  readonly #atTurnEnd = () => this.#turnEnded();
  readonly #heldEnough = () => this.flush();
  readonly #buffers = new FrameBuffers(() => this.update());

  /** `channel` is the first byte of every frame; `holdMs` bounds how long bulk output waits for more. */
  constructor(channel: number, holdMs = HOLD_MS) {
    this.#channel = channel;
    this.#holdMs = holdMs;
  }

  get sink(): S | null {
    return this.#sink;
  }

  /** Output goes to `sink` from now on; with none, what is still queued is dropped and the source is not read. */
  setSink(sink: S | null): void {
    this.#sink = sink;
  }

  /** A fresh source (a new shell) is being read; the old one, if any, is forgotten. */
  setSource(source: OutputSource | null): void {
    this.#source = source;
    this.#paused = false;
  }

  /**
   * Queues UTF-8 output for the sink, if there is one. What a turn of the event loop brings goes out as one frame when
   * the turn ends, so a keystroke's echo leaves at once; bulk output is held a little longer for larger frames.
   */
  write(utf8: Buffer): void {
    if (utf8.length === 0 || !this.#sink) return;
    this.#pending.push(utf8);
    this.#pendingBytes += utf8.length;
    if (this.#turnEndScheduled || (this.#holdTimer && this.#pendingBytes < FRAME_BYTES)) return;
    this.#turnEndScheduled = true;
    setImmediate(this.#atTurnEnd);
  }

  #turnEnded(): void {
    this.#turnEndScheduled = false;
    if (this.#pendingBytes >= FRAME_BYTES) this.flush();
    else if (this.#holdTimer) return;
    else if (this.#pendingBytes >= BULK_BYTES) this.#holdTimer = setTimeout(this.#heldEnough, this.#holdMs);
    else this.flush();
  }

  /** Sends what is queued now, so that a control message sent next arrives behind it. */
  flush(): void {
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    this.#holdTimer = null;
    const sink = this.#sink;
    const parts = this.#pending;
    const length = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (!sink || length === 0) return;
    const buffer = this.#buffers.take(length + 1);
    const frame = buffer.bytes;
    frame[0] = this.#channel;
    let at = 1;
    // Indexed: an iterator here was a tenth of what a frame's sending allocated.
    for (let i = 0; i < parts.length; i++) at += (parts[i] as Buffer).copy(frame, at);
    this.#unacked += length;
    sink.output(frame.subarray(0, at), buffer.sent);
  }

  /** The view starts over from a clean screen: output queued for the old one is dropped, nothing is unacknowledged. */
  reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#unacked = 0;
  }

  /** The view has drawn `bytes` more of the output. */
  ack(bytes: number): void {
    this.#unacked = Math.max(0, this.#unacked - bytes);
    this.update();
  }

  /** Pauses or resumes reading the source, by the watermarks. */
  update(): void {
    const source = this.#source;
    if (!source) return;
    // Unacknowledged output says what the page has not drawn; the backlog what the connection has not even sent
    // (a page that stops reading, or acknowledges what it never got).
    const outstanding = this.#unacked + this.#pendingBytes;
    const backlog = this.#sink?.backlog() ?? 0;
    const high = outstanding > FLOW_CONTROL.highWatermark || backlog > FLOW_CONTROL.highWatermark;
    const low = outstanding < FLOW_CONTROL.lowWatermark && backlog < FLOW_CONTROL.lowWatermark;
    if (!this.#paused && (!this.#sink || high)) {
      this.#paused = true;
      source.pause();
    } else if (this.#paused && this.#sink && low) {
      this.#paused = false;
      source.resume();
    }
  }
}
