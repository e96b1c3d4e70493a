/**
 * Which pages may open terminals. Browsers send an Origin header with every WebSocket handshake and with every
 * cross-site POST; a page on another site (RFC 6455 section 10.2: cross-site WebSocket hijacking) is refused even
 * though the browser would send the learner's cookie along.
 */
import type { IncomingMessage } from 'node:http';

export function isAllowedOrigin(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  if (allowedOrigins.includes(origin)) return true;
  // "null" (a sandboxed frame, a file: page) is no origin we serve.
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === req.headers.host;
}
