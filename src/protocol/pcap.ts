/**
 * The pcap file format (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html): read as a stream, the way
 * tcpdump writes it to a pipe, and written back, the way Wireshark opens it. Either byte order, microsecond or
 * nanosecond timestamps. No Node APIs: the backend reads captures with it and the page writes the .pcap it offers.
 */

/** The link types a Linux loopback capture comes in (tcpdump on `lo` says EN10MB; the others for other setups). */
export const LINK_TYPES = { null: 0, ethernet: 1, raw: 101, loop: 108, linuxSll: 113, linuxSll2: 276 } as const;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/** Larger than any snap length tcpdump accepts: a record claiming more is not a record. */
const MAX_RECORD = 262_144;

export interface PcapHeader {
  littleEndian: boolean;
  nanoseconds: boolean;
  snapLength: number;
  linkType: number;
}

export interface PcapRecord {
  /** Microseconds since the epoch. */
  timeUs: number;
  /** The packet's length on the wire; `data` may hold less (the snap length). */
  originalLength: number;
  data: Uint8Array;
}

export class PcapFormatError extends Error {}

/**
 * Reads a pcap stream in the pieces it arrives in. A record is returned once it is whole; what is left when the
 * stream ends (a truncated record) is reported by `leftover`.
 */
export class PcapReader {
  #header: PcapHeader | null = null;
  #buffer: Uint8Array = new Uint8Array(0);

  get header(): PcapHeader | null {
    return this.#header;
  }

  /** Bytes of an incomplete record (or header) still waiting for the rest. */
  get leftover(): number {
    return this.#buffer.length;
  }

  /** Takes the next bytes of the stream; returns the records they complete. Throws PcapFormatError on garbage. */
  push(chunk: Uint8Array): PcapRecord[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : concat(this.#buffer, chunk);
    const records: PcapRecord[] = [];
    let at = 0;
    const buffer = this.#buffer;
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (!this.#header) {
      if (buffer.length < GLOBAL_HEADER) return records;
      this.#header = readGlobalHeader(view);
      at = GLOBAL_HEADER;
    }
    const { littleEndian, nanoseconds } = this.#header;
    while (buffer.length - at >= RECORD_HEADER) {
      const seconds = view.getUint32(at, littleEndian);
      const fraction = view.getUint32(at + 4, littleEndian);
      const captured = view.getUint32(at + 8, littleEndian);
      const original = view.getUint32(at + 12, littleEndian);
      if (captured > MAX_RECORD) {
        throw new PcapFormatError(`a record claims ${captured} bytes, more than any snap length`);
      }
      if (buffer.length - at - RECORD_HEADER < captured) break;
      const start = at + RECORD_HEADER;
      records.push({
        timeUs: seconds * 1e6 + (nanoseconds ? Math.floor(fraction / 1000) : fraction),
        originalLength: original,
        // A copy, and a plain Uint8Array whatever the chunks were (Node gives Buffers): the records outlive the chunks.
        data: new Uint8Array(buffer.subarray(start, start + captured)),
      });
      at = start + captured;
    }
    this.#buffer = buffer.slice(at);
    return records;
  }
}

function readGlobalHeader(view: DataView): PcapHeader {
  const big = view.getUint32(0, false);
  const little = view.getUint32(0, true);
  const littleEndian = little === MAGIC_MICRO || little === MAGIC_NANO;
  if (!littleEndian && big !== MAGIC_MICRO && big !== MAGIC_NANO) {
    throw new PcapFormatError(`not a pcap stream (magic ${big.toString(16)})`);
  }
  const magic = littleEndian ? little : big;
  return {
    littleEndian,
    nanoseconds: magic === MAGIC_NANO,
    snapLength: view.getUint32(16, littleEndian),
    // The upper bits may carry an FCS length; the link type is the low 16 (draft section 4).
    linkType: view.getUint32(20, littleEndian) & 0xffff,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** A whole pcap file (little-endian, microseconds) of `records`, for a download. */
export function pcapFile(linkType: number, snapLength: number, records: readonly PcapRecord[]): Uint8Array {
  const size = GLOBAL_HEADER + records.reduce((sum, r) => sum + RECORD_HEADER + r.data.length, 0);
  const file = new Uint8Array(size);
  const view = new DataView(file.buffer);
  view.setUint32(0, MAGIC_MICRO, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, snapLength, true);
  view.setUint32(20, linkType, true);
  let at = GLOBAL_HEADER;
  for (const record of records) {
    view.setUint32(at, Math.floor(record.timeUs / 1e6), true);
    view.setUint32(at + 4, record.timeUs % 1e6, true);
    view.setUint32(at + 8, record.data.length, true);
    view.setUint32(at + 12, record.originalLength, true);
    file.set(record.data, at + RECORD_HEADER);
    at += RECORD_HEADER + record.data.length;
  }
  return file;
}
