/**
 * The last N bytes a terminal printed, kept so that a reloaded page (or a switch of encoding) can draw the screen
 * again. Raw bytes, not decoded text, so the same output can be re-read in another encoding. A ring buffer that
 * grows on demand up to its capacity: copying each chunk in keeps memory at what is stored, where holding the
 * chunks themselves could pin far larger read buffers.
 */
const NEWLINE = 0x0a;

export class ReplayBuffer {
  readonly capacity: number;
  #ring: Buffer = Buffer.alloc(0);
  #start = 0;
  #length = 0;
  #overflowed = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`bad replay capacity ${capacity}`);
    this.capacity = capacity;
  }

  get length(): number {
    return this.#length;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.capacity) {
      const dropped = this.#length > 0 || chunk.length > this.capacity;
      this.#ring = Buffer.from(chunk.subarray(chunk.length - this.capacity));
      this.#start = 0;
      this.#length = this.capacity;
      this.#overflowed ||= dropped;
      return;
    }
    this.#reserve(this.#length + chunk.length);
    const overflow = this.#length + chunk.length - this.#ring.length;
    if (overflow > 0) {
      this.#start = (this.#start + overflow) % this.#ring.length;
      this.#length -= overflow;
      this.#overflowed = true;
    }
    const end = (this.#start + this.#length) % this.#ring.length;
    const firstPart = Math.min(chunk.length, this.#ring.length - end);
    // Every pty read comes through here: a view of the chunk is made only when it wraps around the ring's end.
    if (firstPart === chunk.length) {
      this.#ring.set(chunk, end);
    } else {
      this.#ring.set(chunk.subarray(0, firstPart), end);
      this.#ring.set(chunk.subarray(firstPart), 0);
    }
    this.#length += chunk.length;
  }

  /**
   * The stored bytes, in order. Once old output has been dropped the first line is incomplete, so the replay starts
   * after its end: a half line or half escape sequence would draw garbage.
   */
  contents(): Buffer {
    const linear = this.#linear();
    if (!this.#overflowed) return linear;
    const newline = linear.indexOf(NEWLINE);
    return newline === -1 ? linear : linear.subarray(newline + 1);
  }

  clear(): void {
    this.#ring = Buffer.alloc(0);
    this.#start = 0;
    this.#length = 0;
    this.#overflowed = false;
  }

  #linear(): Buffer {
    const out = Buffer.allocUnsafe(this.#length);
    const firstPart = Math.min(this.#length, this.#ring.length - this.#start);
    this.#ring.copy(out, 0, this.#start, this.#start + firstPart);
    if (firstPart < this.#length) this.#ring.copy(out, firstPart, 0, this.#length - firstPart);
    return out;
  }

  #reserve(needed: number): void {
    if (needed <= this.#ring.length || this.#ring.length === this.capacity) return;
    const size = Math.min(this.capacity, Math.max(needed, this.#ring.length * 2, 4096));
    const grown = Buffer.alloc(size);
    const linear = this.#linear();
    linear.copy(grown, 0);
    this.#ring = grown;
    this.#start = 0;
  }
}
