/**
 * What a check's conditions say about what the backend saw: pure functions of the socket table, a terminal's recent
 * output, a file's text and a captured segment, so that they can be tried on fixtures.
 */
import { createHash } from 'node:crypto';
import type { CaptureSegment } from '#protocol/capture.ts';
import type { CheckKind } from '#protocol/checks.ts';
import type { TcpSocket } from './socket-table.ts';

type Of<K extends CheckKind['kind']> = Extract<CheckKind, { kind: K }>;

/** The addresses a learner's program may bind that each check address stands for, in /proc's spelling. */
const SAME_ADDRESS: Record<string, readonly string[]> = {
  '127.0.0.1': ['127.0.0.1', '::ffff:127.0.0.1'],
  '0.0.0.0': ['0.0.0.0'],
  '::': ['::'],
  '::1': ['::1'],
};

export function listeners(sockets: readonly TcpSocket[], port: number): TcpSocket[] {
  return sockets.filter((s) => s.state === 'listen' && s.localPort === port);
}

export function isListening(sockets: readonly TcpSocket[], condition: Of<'listening'>): boolean {
  const on = listeners(sockets, condition.port);
  if (!condition.address) return on.length > 0;
  const spellings = SAME_ADDRESS[condition.address] ?? [condition.address];
  return on.some((s) => spellings.includes(s.localAddress));
}

/** Established connections whose local end is `port`: the server's side of each client's connection. */
export function hasConnections(sockets: readonly TcpSocket[], condition: Of<'connections'>): boolean {
  const count = sockets.filter((s) => s.state === 'established' && s.localPort === condition.port).length;
  return count >= condition.min;
}

export function outputMatches(plainText: string, condition: Of<'output'>): boolean {
  return new RegExp(condition.pattern, 'mu').test(plainText);
}

/** `text` is null when the file is missing (or not readable as text): then no file condition holds. */
export function fileMatches(text: string | null, condition: Of<'file'>): boolean {
  if (text === null) return false;
  if (condition.sha256 !== undefined && createHash('sha256').update(text, 'utf8').digest('hex') !== condition.sha256)
    return false;
  if (condition.pattern !== undefined && !new RegExp(condition.pattern, 'mu').test(text)) return false;
  if (condition.unless !== undefined && new RegExp(condition.unless, 'mu').test(text)) return false;
  return true;
}

/** A TCP segment with every flag the condition names, to or from its port when it names one. */
export function segmentMatches(segment: CaptureSegment, condition: Of<'segment'>): boolean {
  if (segment.protocol !== 'tcp' || !condition.flags.every((flag) => segment.flags.includes(flag))) return false;
  if (condition.port === undefined) return true;
  const ports = [segment.src, segment.dst].map((endpoint) => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1)));
  return ports.includes(condition.port);
}
