/**
 * A workspace's TCP sockets, read the way `ss` reads them: /proc/<pid>/net/tcp and tcp6 of a process inside the
 * workspace's network namespace (its sandbox's init). The backend reads the files itself: no process is spawned, and
 * nothing of the learner's is followed (procfs builds the text).
 */
import { readFileSync } from 'node:fs';

export interface TcpSocket {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: 'listen' | 'established' | 'other';
  inode: number;
}

/** Table lines read at most: a workspace's processes are limited, and so are their sockets worth looking at. */
const MAX_LINES = 20_000;

/** Parses one /proc/net/tcp or tcp6 file. Lines that do not parse are skipped. */
export function parseTcpTable(text: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  const lines = text.split('\n');
  for (const line of lines.slice(1, MAX_LINES + 1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const local = endpoint(fields[1] ?? '');
    const remote = endpoint(fields[2] ?? '');
    const inode = Number(fields[9]);
    if (!local || !remote || !Number.isSafeInteger(inode)) continue;
    const st = fields[3];
    const state = st === '0A' ? 'listen' : st === '01' ? 'established' : 'other';
    sockets.push({
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state,
      inode,
    });
  }
  return sockets;
}

/** "0100007F:091D" -> 127.0.0.1:2333; 32 hex digits are IPv6, each 32-bit word in host (little-endian) order. */
function endpoint(field: string): { address: string; port: number } | null {
  const match = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/i.exec(field);
  if (!match) return null;
  const hex = match[1] as string;
  const port = parseInt(match[2] as string, 16);
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return { address: bytes.join('.'), port };
  // IPv4-mapped (::ffff:a.b.c.d): said the way ss says it, as the IPv4 address it is.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return { address: `::ffff:${bytes.slice(12).join('.')}`, port };
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return { address: compressIpv6(groups), port };
}

/** The shortest form: the longest run of zero groups becomes "::". */
function compressIpv6(groups: string[]): string {
  let best = { at: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j += 1;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j;
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

/**
 * Every TCP socket of the network namespace `pid` is in (IPv4 and IPv6); [] when it is gone.
 *
 * Read synchronously: procfs builds the text in memory from the namespace's own small table (net-parent.ts), in about
 * 0.1 ms for both files, and no disk is involved. Through the thread pool the same read cost four times the CPU
 * (0.44 ms, an open, a stat, reads and a close, each a hop to a thread and back), for every workspace every second.
 */
export function readTcpSockets(pid: number): TcpSocket[] {
  const read = (name: string) => {
    try {
      return readFileSync(`/proc/${pid}/net/${name}`, 'utf8');
    } catch {
      return '';
    }
  };
  return [...parseTcpTable(read('tcp')), ...parseTcpTable(read('tcp6'))];
}
