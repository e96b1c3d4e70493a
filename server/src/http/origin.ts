/**
 * Which pages may open terminals. Browsers send an Origin header with every WebSocket handshake and with every
 * cross-site POST; a page on another site (RFC 6455 section 10.2: cross-site WebSocket hijacking) is refused even
 * though the browser would send the learner's cookie along.
 *
 * The allowed origins are fixed when the lab starts: this machine's own names on the port a request arrived at,
 * plus --allowed-origin. They are never taken from the request's Host header, which a DNS-rebinding page controls.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface OriginPolicy {
  allows(req: IncomingMessage): boolean;
}

export interface OriginPolicyOptions {
  /** The address the backend listens on (`0.0.0.0` or `::` for every interface). */
  listenHost: string;
  /** This machine's addresses and name, for a backend listening on every interface. */
  machineNames: readonly string[];
  /** --allowed-origin: exact origins, e.g. of a TLS proxy in front of the lab. */
  extraOrigins: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** URL.hostname spells an IPv6 address in brackets. */
function asHostname(name: string): string {
  return isIP(name) === 6 ? `[${name}]` : name.toLowerCase();
}

export function originPolicy({ listenHost, machineNames, extraOrigins }: OriginPolicyOptions): OriginPolicy {
  const names = new Set(LOOPBACK_NAMES);
  const everywhere = listenHost === '0.0.0.0' || listenHost === '::';
  for (const name of everywhere ? machineNames : [listenHost]) names.add(asHostname(name));
  const extra = new Set(extraOrigins);
  return {
    allows(req) {
      const origin = req.headers.origin;
      // "null" (a sandboxed frame, a file: page) is no origin we serve.
      if (!origin || !URL.canParse(origin)) return false;
      if (extra.has(origin)) return true;
      const url = new URL(origin);
      if (url.protocol !== 'http:' || !names.has(url.hostname)) return false;
      return Number(url.port || 80) === req.socket.localPort;
    },
  };
}
