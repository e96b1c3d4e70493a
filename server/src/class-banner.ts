/**
 * What the instructor reads off the screen when a class starts: the passcode and the addresses learners open. Pure
 * text from values the entry point gathers (the config, the port, this machine's network interfaces).
 */
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

/** The URLs learners on the network can open: every non-loopback address the lab listens on. */
export function classUrls(host: string, port: number, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const everywhere = host === '0.0.0.0' || host === '::';
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const addresses = everywhere
    ? all
        // Link-local IPv6 needs a zone id no browser accepts in a URL; IPv4 first, the address people can type.
        .filter((a) => !a.internal && !(a.family === 'IPv6' && /^fe80:/i.test(a.address)))
        .filter((a) => host === '::' || a.family === 'IPv4')
        .sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
        .map((a) => a.address)
    : [host];
  return [...new Set(addresses)].map((address) => `http://${isIP(address) === 6 ? `[${address}]` : address}:${port}/`);
}

export interface ClassBannerOptions {
  passcode: string;
  /** A generated passcode is shown; one the instructor chose is not repeated into logs. */
  generated: boolean;
  urls: readonly string[];
}

/** A boxed block of lines, plain ASCII so it survives any terminal and log. */
export function classBanner({ passcode, generated, urls }: ClassBannerOptions): string {
  const lines = [
    generated ? `Class passcode: ${passcode}` : 'Class passcode: the one given by --passcode / SOCKET_LAB_PASSCODE',
    '',
    urls.length > 0 ? 'Learners open one of these addresses, then join with the passcode:' : 'Learners open:',
    ...(urls.length > 0
      ? urls.map((url) => `  ${url}`)
      : ["  (no network address found: check this machine's network)"]),
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  return [rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule].join('\n');
}
