/**
 * The browser WebSocket pane's client end: an RFC 6455 client speaking to the learner's server inside their
 * sandbox, written out here (rather than taken from a library) so that the pane can show exactly what went over
 * the wire: the opening handshake as text, every frame's message, and the closing code.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import type { Tunnel } from '../sandbox/tunnel.ts';
import { requestHead, type BrowserIdentity } from './browser-request.ts';
import { headerValues } from '#protocol/headers.ts';
import { ResponseReader } from './http-response.ts';
import { PANES } from '#protocol/limits.ts';
import type { WsClosedBy, WsDirection, WsOpcode } from '#protocol/messages.ts';

/** RFC 6455 section 1.3: appended to the key before hashing. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const CLOSE_TIMEOUT_MS = 2000;
const HANDSHAKE_TIMEOUT_MS = 10_000;

export type WsEvent =
  | { kind: 'ws-handshake'; request: string; response: string; accepted: boolean; problem: string }
  | { kind: 'ws-message'; direction: WsDirection; opcode: WsOpcode; data: Buffer; at: number }
  | { kind: 'ws-closed'; code: number | null; reason: string; by: WsClosedBy; at: number };

export interface WsClient {
  sendText(text: string): void;
  /** Starts the closing handshake (1000), or drops the connection if it is not open. */
  close(): void;
}

export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

const OPCODES: Record<number, WsOpcode | 'continuation' | 'close'> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};
const OPCODE_VALUES: Record<WsOpcode | 'close', number> = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };

/** A client frame: FIN set, masked with a fresh key (section 5.3: every client frame is masked). */
export function clientFrame(opcode: WsOpcode | 'close', payload: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const frame = Buffer.alloc(2 + lengthBytes + 4 + length);
  frame[0] = 0x80 | OPCODE_VALUES[opcode];
  frame[1] = 0x80 | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) frame.writeUInt16BE(length, 2);
  if (lengthBytes === 8) frame.writeBigUInt64BE(BigInt(length), 2);
  const mask = randomBytes(4);
  const at = 2 + lengthBytes;
  mask.copy(frame, at);
  for (let i = 0; i < length; i++) frame[at + 4 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return frame;
}

type Frame = { fin: boolean; rsv: number; opcode: number; masked: boolean; payload: Buffer };

/** Close codes a peer may send (RFC 6455 section 7.4 and the IANA registry): not 1004-1006 or 1015. */
function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** Takes one complete frame off the front of `buffer`; null if it has not all arrived. */
export function readFrame(buffer: Buffer): { frame: Frame; rest: Buffer } | null | { error: string } {
  if (buffer.length < 2) return null;
  const first = buffer[0] as number;
  const second = buffer[1] as number;
  let length = second & 0x7f;
  let at = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    const big = buffer.readBigUInt64BE(2);
    if (big > BigInt(PANES.wsMessage)) return { error: 'frame too big' };
    length = Number(big);
    at = 10;
  }
  if (length > PANES.wsMessage) return { error: 'frame too big' };
  const masked = (second & 0x80) !== 0;
  const maskAt = at;
  if (masked) at += 4;
  if (buffer.length < at + length) return null;
  const payload = Buffer.from(buffer.subarray(at, at + length));
  if (masked)
    for (let i = 0; i < length; i++) payload[i] = (payload[i] as number) ^ (buffer[maskAt + (i % 4)] as number);
  return {
    frame: { fin: (first & 0x80) !== 0, rsv: first & 0x70, opcode: first & 0x0f, masked, payload },
    rest: buffer.subarray(at + length),
  };
}

export function startWebSocket(
  tunnel: Tunnel,
  port: number,
  path: string,
  browser: BrowserIdentity,
  emit: (event: WsEvent) => void,
): WsClient {
  const key = randomBytes(16).toString('base64');
  const request = requestHead(`GET ${path} HTTP/1.1`, [
    ['Host', `127.0.0.1:${port}`],
    ['User-Agent', browser.userAgent],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', key],
    ['Sec-WebSocket-Version', '13'],
    ['Origin', browser.origin],
    ['Accept-Language', browser.acceptLanguage],
  ]);
  const reader = new ResponseReader('GET');
  let phase: 'handshake' | 'open' | 'closing' | 'closed' = 'handshake';
  let head = '';
  let buffer: Buffer = Buffer.alloc(0);
  let fragments: { opcode: WsOpcode; parts: Buffer[]; size: number } | null = null;
  let closeTimer: NodeJS.Timeout | null = null;

  const finish = (code: number | null, reason: string, by: WsClosedBy) => {
    if (phase === 'closed') return;
    phase = 'closed';
    if (closeTimer) clearTimeout(closeTimer);
    clearTimeout(handshakeTimer);
    emit({ kind: 'ws-closed', code, reason, by, at: Date.now() });
    // Section 7.1.1: after the closing handshake the server closes the TCP connection first; give it a moment,
    // so that the close frame just written is not cut off.
    const lingering = setTimeout(() => void tunnel.close(), CLOSE_TIMEOUT_MS);
    tunnel.stream.once('end', () => {
      clearTimeout(lingering);
      void tunnel.close();
    });
  };
  const handshakeTimer = setTimeout(() => {
    if (phase !== 'handshake') return;
    emit({ kind: 'ws-handshake', request, response: head, accepted: false, problem: 'no answer to the handshake' });
    finish(null, 'no answer to the handshake', 'network');
  }, HANDSHAKE_TIMEOUT_MS);
  const write = (opcode: WsOpcode | 'close', payload: Buffer) => {
    if (!tunnel.stream.writableEnded) tunnel.stream.write(clientFrame(opcode, payload));
  };
  const fail = (code: number, reason: string) => {
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    write('close', payload);
    finish(code, reason, 'client');
  };

  const onFrame = (frame: Frame) => {
    const kind = OPCODES[frame.opcode];
    if (!kind) return fail(1002, `unknown opcode ${frame.opcode}`);
    // Section 5.2: reserved bits only with an extension, and none was negotiated.
    if (frame.rsv !== 0) return fail(1002, 'reserved bits set without an extension');
    // Section 5.1: a server must not mask what it sends.
    if (frame.masked) return fail(1002, 'the server sent a masked frame');
    // Section 5.5: control frames are short and never fragmented.
    if (frame.opcode >= 0x8 && (!frame.fin || frame.payload.length > 125)) {
      return fail(1002, 'a fragmented or oversized control frame');
    }
    if (kind === 'close') {
      if (frame.payload.length === 1) return fail(1002, 'a close frame with half a code');
      const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : null;
      if (code !== null && !validCloseCode(code)) return fail(1002, `close code ${code} may not be sent`);
      if (!isUtf8(frame.payload.subarray(2))) return fail(1007, 'the close reason is not UTF-8');
      const reason = frame.payload.subarray(2).toString('utf8');
      const by = phase === 'closing' ? 'client' : 'server';
      // Answer a close with a close (section 5.5.1), echoing its code.
      if (phase === 'open') write('close', frame.payload.subarray(0, 2));
      return finish(code ?? 1005, reason, by);
    }
    if (kind === 'ping' || kind === 'pong') {
      emit({ kind: 'ws-message', direction: 'in', opcode: kind, data: frame.payload, at: Date.now() });
      if (kind === 'ping') {
        write('pong', frame.payload);
        emit({ kind: 'ws-message', direction: 'out', opcode: 'pong', data: frame.payload, at: Date.now() });
      }
      return;
    }
    if (kind === 'continuation') {
      if (!fragments) return fail(1002, 'a continuation frame with nothing to continue');
      fragments.parts.push(frame.payload);
      fragments.size += frame.payload.length;
    } else {
      if (fragments) return fail(1002, 'a new message inside a fragmented one');
      fragments = { opcode: kind, parts: [frame.payload], size: frame.payload.length };
    }
    if (fragments.size > PANES.wsMessage) return fail(1009, 'message too big for the pane');
    if (!frame.fin) return;
    const message = Buffer.concat(fragments.parts);
    const opcode = fragments.opcode;
    fragments = null;
    // Section 8.1: a text message that is not UTF-8 fails the connection.
    if (opcode === 'text' && !isUtf8(message)) return fail(1007, 'a text message that is not UTF-8');
    emit({ kind: 'ws-message', direction: 'in', opcode, data: message, at: Date.now() });
  };

  const onFrames = () => {
    while (phase === 'open' || phase === 'closing') {
      const next = readFrame(buffer);
      if (next === null) return;
      if ('error' in next) return fail(1009, next.error);
      buffer = next.rest;
      onFrame(next.frame);
    }
  };

  tunnel.stream.on('data', (chunk: Buffer) => {
    if (phase === 'handshake') {
      for (const event of reader.push(chunk)) {
        if (event.kind === 'malformed') {
          emit({ kind: 'ws-handshake', request, response: head, accepted: false, problem: event.reason });
          return finish(null, event.reason, 'network');
        }
        if (event.kind === 'head') {
          head = [event.head.statusLine, ...event.head.headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n');
          const problem = handshakeProblem(event.head.status, event.head.headers, key);
          emit({ kind: 'ws-handshake', request, response: head, accepted: problem === '', problem });
          if (problem) return finish(null, problem, 'network');
          phase = 'open';
          clearTimeout(handshakeTimer);
          buffer = Buffer.from(reader.rest());
          return onFrames();
        }
      }
      return;
    }
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    onFrames();
  });
  let dropped = false;
  const onDropped = () => {
    if (dropped || phase === 'closed') return;
    dropped = true;
    if (phase === 'handshake') {
      void tunnel.failure().then((failure) => {
        const reason = failure || 'the connection closed during the handshake';
        emit({ kind: 'ws-handshake', request, response: head, accepted: false, problem: reason });
        finish(null, reason, 'network');
      });
      return;
    }
    // Section 7.1.5: no close frame received is reported as 1006.
    finish(1006, 'the connection closed without a closing handshake', 'network');
  };
  tunnel.stream.on('end', onDropped);
  tunnel.stream.on('close', onDropped);
  tunnel.stream.write(request);

  return {
    sendText(text) {
      if (phase !== 'open') return;
      const data = Buffer.from(text, 'utf8');
      write('text', data);
      emit({ kind: 'ws-message', direction: 'out', opcode: 'text', data, at: Date.now() });
    },
    close() {
      if (phase !== 'open') return finish(null, 'disconnected', 'client');
      phase = 'closing';
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(1000, 0);
      write('close', payload);
      closeTimer = setTimeout(() => finish(1006, 'the server did not answer the close', 'client'), CLOSE_TIMEOUT_MS);
    },
  };
}

/** What is wrong with a handshake response (RFC 6455 section 4.1, client requirements), or ''. */
function handshakeProblem(status: number, headers: [string, string][], key: string): string {
  const header = (name: string) => headerValues(headers, name)[0] ?? '';
  if (status !== 101) return `the server answered ${status} instead of 101 Switching Protocols`;
  if (header('upgrade').toLowerCase() !== 'websocket') return 'no "Upgrade: websocket" in the response';
  if (!/\bupgrade\b/i.test(header('connection'))) return 'no "Connection: Upgrade" in the response';
  if (header('sec-websocket-accept') !== acceptFor(key)) return 'Sec-WebSocket-Accept does not match the key';
  // Section 4.1: an extension or subprotocol the client did not ask for fails the connection.
  if (header('sec-websocket-extensions')) return 'the server chose an extension that was not offered';
  if (header('sec-websocket-protocol')) return 'the server chose a subprotocol that was not offered';
  return '';
}
