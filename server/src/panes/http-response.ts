/**
 * Reads an HTTP/1.1 response as it arrives and knows when it is complete, by the rules of RFC 9112 section 6.3:
 * no body for HEAD, 1xx, 204 and 304; chunked transfer coding; Content-Length; otherwise the body runs until the
 * server closes the connection. That last case is what the study note's server does (and then never closes), and
 * why a browser keeps waiting for it: the preview pane shows exactly which rule applies.
 */
import { headerValues } from '#protocol/headers.ts';
import { PANES } from '#protocol/limits.ts';
import type { Framing } from '#protocol/messages.ts';

export interface ResponseHead {
  statusLine: string;
  status: number;
  headers: [string, string][];
  framing: Framing;
}

export type ResponseEvent =
  | { kind: 'head'; head: ResponseHead }
  | { kind: 'body'; data: Buffer }
  | { kind: 'complete' }
  | { kind: 'malformed'; reason: string };

const CRLF = Buffer.from('\r\n');
/** The empty line ending a head; RFC 9112 section 2.2 lets a recipient take a bare LF for CRLF. */
const HEAD_END = /\r?\n\r?\n/;

type State =
  | { at: 'head' }
  | { at: 'length'; left: number }
  | { at: 'chunk-size' }
  | { at: 'chunk-data'; left: number }
  | { at: 'chunk-end' }
  | { at: 'trailers' }
  | { at: 'until-close' }
  | { at: 'done' };

export class ResponseReader {
  readonly #method: string;
  #buffer: Buffer = Buffer.alloc(0);
  #state: State = { at: 'head' };
  /** Where to look for the end of the head next: bytes before it were searched already (up to 3 back). */
  #searched = 0;

  constructor(method: string) {
    this.#method = method.toUpperCase();
  }

  get complete(): boolean {
    return this.#state.at === 'done';
  }

  /** Bytes received after the response ended: on a 101 Switching Protocols, the new protocol's first bytes. */
  rest(): Buffer {
    return this.#state.at === 'done' ? this.#buffer : Buffer.alloc(0);
  }

  /** Whether the server closing the connection now ends the response properly (rather than cutting it short). */
  get closeEndsBody(): boolean {
    return this.#state.at === 'until-close' || this.#state.at === 'done';
  }

  push(chunk: Buffer): ResponseEvent[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const events: ResponseEvent[] = [];
    for (;;) {
      const before = this.#buffer.length;
      const state = this.#state.at;
      this.#step(events);
      if (this.#state.at === 'done' || events.some((e) => e.kind === 'malformed')) break;
      if (this.#buffer.length === before && this.#state.at === state) break;
    }
    return events;
  }

  #take(length: number): Buffer {
    const taken = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return taken;
  }

  #step(events: ResponseEvent[]): void {
    const state = this.#state;
    switch (state.at) {
      case 'head': {
        const from = Math.max(0, this.#searched - 3);
        const end = HEAD_END.exec(this.#buffer.subarray(from, PANES.responseHead + 4).toString('latin1'));
        if (!end) {
          this.#searched = this.#buffer.length;
          if (this.#buffer.length > PANES.responseHead)
            events.push({ kind: 'malformed', reason: 'response head over 64 KiB' });
          return;
        }
        this.#searched = 0;
        const head = parseHead(this.#take(from + end.index + end[0].length).toString('latin1'), this.#method);
        if (typeof head === 'string') {
          events.push({ kind: 'malformed', reason: head });
          return;
        }
        // An interim response (100 Continue, 103 Early Hints) comes before the real one, which a browser waits for.
        if (head.status >= 100 && head.status < 200 && head.status !== 101) return;
        events.push({ kind: 'head', head });
        this.#state = startBody(head);
        if (this.#state.at === 'done') events.push({ kind: 'complete' });
        return;
      }
      case 'length': {
        if (this.#buffer.length === 0) return;
        const data = this.#take(Math.min(state.left, this.#buffer.length));
        events.push({ kind: 'body', data });
        const left = state.left - data.length;
        this.#state = left === 0 ? { at: 'done' } : { at: 'length', left };
        if (left === 0) events.push({ kind: 'complete' });
        return;
      }
      case 'chunk-size': {
        const end = this.#buffer.indexOf(CRLF);
        if (end === -1) return;
        const line = this.#take(end + 2)
          .toString('latin1')
          .slice(0, -2);
        const size = /^([0-9a-fA-F]{1,8})[ \t]*(;.*)?$/.exec(line);
        if (!size) {
          events.push({ kind: 'malformed', reason: `bad chunk size line "${line.slice(0, 40)}"` });
          return;
        }
        const length = parseInt(size[1] as string, 16);
        this.#state = length === 0 ? { at: 'trailers' } : { at: 'chunk-data', left: length };
        return;
      }
      case 'chunk-data': {
        if (this.#buffer.length === 0) return;
        const data = this.#take(Math.min(state.left, this.#buffer.length));
        events.push({ kind: 'body', data });
        const left = state.left - data.length;
        this.#state = left === 0 ? { at: 'chunk-end' } : { at: 'chunk-data', left };
        return;
      }
      case 'chunk-end': {
        if (this.#buffer.length < 2) return;
        if (!this.#take(2).equals(CRLF)) events.push({ kind: 'malformed', reason: 'chunk not followed by CRLF' });
        else this.#state = { at: 'chunk-size' };
        return;
      }
      case 'trailers': {
        const end = this.#buffer.indexOf(CRLF);
        if (end === -1) return;
        this.#take(end + 2);
        if (end === 0) {
          this.#state = { at: 'done' };
          events.push({ kind: 'complete' });
        }
        return;
      }
      case 'until-close':
        if (this.#buffer.length > 0) events.push({ kind: 'body', data: this.#take(this.#buffer.length) });
        return;
      case 'done':
        return;
    }
  }
}

function parseHead(text: string, method: string): ResponseHead | string {
  const [statusLine = '', ...lines] = text.replace(/(\r?\n)+$/, '').split(/\r?\n/);
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!status) return `not an HTTP/1.x status line: "${statusLine.slice(0, 60)}"`;
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed header line "${line.slice(0, 60)}"`;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  const code = Number(status[1]);
  const find = (name: string) => headerValues(headers, name);
  // Section 6.3: Transfer-Encoding wins over Content-Length, and only a final "chunked" coding frames the body.
  const codings = find('transfer-encoding')
    .flatMap((v) => v.split(','))
    .map((c) => c.trim().toLowerCase())
    .filter(Boolean);
  let framing: Framing;
  if (method === 'HEAD' || (code >= 100 && code < 200) || code === 204 || code === 304) framing = 'none';
  else if (codings.at(-1) === 'chunked') framing = 'chunked';
  else if (codings.length > 0) framing = 'until-close';
  else if (find('content-length').length > 0) framing = 'content-length';
  else framing = 'until-close';
  if (framing === 'content-length') {
    const values = new Set(find('content-length').flatMap((v) => v.split(',').map((s) => s.trim())));
    if (values.size !== 1 || !/^\d{1,12}$/.test([...values][0] as string)) return 'invalid Content-Length';
  }
  return { statusLine, status: code, headers, framing };
}

function startBody(head: ResponseHead): State {
  switch (head.framing) {
    case 'none':
      return { at: 'done' };
    case 'chunked':
      return { at: 'chunk-size' };
    case 'until-close':
      return { at: 'until-close' };
    case 'content-length': {
      const length = Number(headerValues(head.headers, 'content-length')[0]?.split(',')[0]);
      return length === 0 ? { at: 'done' } : { at: 'length', left: length };
    }
  }
}
