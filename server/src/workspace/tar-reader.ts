/**
 * Reads the archive GNU tar writes (`tar -cf -`): what a workspace's files are, as its own user sees them from inside
 * its sandbox. Only what the lab asks tar for is expected: regular files, directories, GNU long names; anything else
 * (links, devices) is reported as such and never followed.
 */
const BLOCK = 512;

export type TarEntry =
  { type: 'file'; path: string; mode: number; content: Buffer } | { type: 'other'; path: string; typeflag: string };

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** Octal, or GNU's base-256 for sizes of 8 GiB and more (never wanted here, so refused). */
function octal(header: Buffer, start: number, length: number, what: string): number {
  if ((header[start] ?? 0) & 0x80) throw new Error(`tar: ${what} too large`);
  const text = field(header, start, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`tar: bad ${what} ${JSON.stringify(text)}`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === octal(header, 148, 8, 'checksum');
}

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumOk(header)) throw new Error(`tar: bad header checksum at ${at}`);
    const size = octal(header, 124, 12, 'size');
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const dataStart = at + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > archive.length) throw new Error('tar: archive ends inside an entry');
    const data = archive.subarray(dataStart, dataEnd);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = null;
    if (typeflag === '0' || typeflag === '\0') {
      entries.push({ type: 'file', path: name, mode: octal(header, 100, 8, 'mode'), content: Buffer.from(data) });
    } else {
      entries.push({ type: 'other', path: name, typeflag });
    }
  }
  return entries;
}
