/**
 * What the panes send in the learner's name: the request a browser would make, with the learner's own browser's
 * User-Agent, Accept-Language and page origin (from the lab socket's handshake), so that a learner's server prints
 * what their browser really sends.
 */
import type { IncomingMessage } from 'node:http';

export interface BrowserIdentity {
  userAgent: string;
  acceptLanguage: string;
  origin: string;
}

/** Header values go into raw request text: anything that could end a line or the head is dropped. */
function headerValue(value: string | string[] | undefined, fallback: string): string {
  const text = (Array.isArray(value) ? value[0] : value) ?? '';
  const clean = text.replace(/[^\x20-\x7e]/g, '').slice(0, 300);
  return clean || fallback;
}

export function browserIdentity(req: IncomingMessage): BrowserIdentity {
  return {
    userAgent: headerValue(req.headers['user-agent'], 'Mozilla/5.0 (Socket Lab preview)'),
    acceptLanguage: headerValue(req.headers['accept-language'], 'zh-CN,zh;q=0.9,en;q=0.8'),
    origin: headerValue(req.headers.origin, 'null'),
  };
}

/** Request head lines joined with CRLF and ended by an empty line, as RFC 9112 writes them. */
export function requestHead(requestLine: string, headers: [string, string][]): string {
  return `${[requestLine, ...headers.map(([name, value]) => `${name}: ${value}`)].join('\r\n')}\r\n\r\n`;
}
