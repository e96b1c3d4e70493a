/**
 * Buffers for a terminal's output frames, reused once a frame has been sent. A frame's buffer lives outside V8's heap,
 * and V8 collects its whole heap (a mark-compact) each time such memory has grown by some tens of megabytes: with a
 * fresh buffer for every 32 KiB frame, a flood of 100 MB made about 15 of them, a quarter of the backend's CPU.
 */

/** Room for a full frame (see output-pump.ts FRAME_BYTES) and the last pty reads that took it over. */
export const FRAME_BUFFER_BYTES = 64 * 1024;
/**
 * Smaller frames (a keystroke's echo, a prompt) are cut from Node's shared 8 KiB slabs as before: a terminal that
 * never floods holds no buffer of its own.
 */
const REUSED_FROM = 4 * 1024;
/**
 * Frames of one terminal in flight at once, at most, in reused buffers: flow control (100 000 bytes unacknowledged)
 * keeps that to about four, and a terminal that flooded keeps these 256 KiB, as much as its scrollback. More frames in
 * flight (a connection that hands back its frames late) get buffers of their own.
 */
const MAX_REUSED = 4;

/** A buffer to build one frame in; `sent` (the same function every time for the same buffer) gives it back. */
export interface FrameBuffer {
  readonly bytes: Buffer;
  readonly sent: () => void;
}

export class FrameBuffers {
  readonly #free: FrameBuffer[] = [];
  #made = 0;
  readonly #afterSent: () => void;

  /** `afterSent` is called each time a frame has been sent, once its buffer is free again. */
  constructor(afterSent: () => void) {
    this.#afterSent = afterSent;
  }

  /** A buffer of at least `length` bytes, not in use by any frame in flight. */
  take(length: number): FrameBuffer {
    if (length > FRAME_BUFFER_BYTES || length < REUSED_FROM) {
      return { bytes: Buffer.allocUnsafe(length), sent: this.#afterSent };
    }
    const reused = this.#free.pop();
    if (reused) return reused;
    if (this.#made >= MAX_REUSED) return { bytes: Buffer.allocUnsafe(length), sent: this.#afterSent };
    this.#made++;
    const made: FrameBuffer = {
      bytes: Buffer.allocUnsafe(FRAME_BUFFER_BYTES),
      sent: () => {
        this.#free.push(made);
        this.#afterSent();
      },
    };
    return made;
  }
}
