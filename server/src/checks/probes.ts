/**
 * Probes a check makes of a learner's server, from inside the workspace (through the same tunnel the browser panes
 * use, so a probe reaches only what the learner's own programs can): a TCP exchange, or an HTTP GET read by the
 * rules the page preview follows. A probe answers one of: passed, answered (but not as wanted), or no answer.
 */
import type { Tunnel } from '../sandbox/tunnel.ts';
import { requestHead } from '../panes/browser-request.ts';
import { ResponseReader, type ResponseHead } from '../panes/http-response.ts';
import type { CheckKind } from '#protocol/checks.ts';
import { CHECKS } from '#protocol/limits.ts';

export type ProbeKind = Extract<CheckKind, { kind: 'tcp-probe' | 'http-probe' }>;
/** `silent`: nothing came back (refused, or the server was busy with another client): worth another try later. */
export type ProbeOutcome = 'passed' | 'answered' | 'silent';

export interface ProbeLimits {
  timeoutMs: number;
  readBytes: number;
  /** After an answer, how long to wait for more of it. */
  quietMs: number;
}

const LIMITS: ProbeLimits = {
  timeoutMs: CHECKS.probeTimeoutMs,
  readBytes: CHECKS.probeReadBytes,
  quietMs: CHECKS.probeQuietMs,
};

export function runProbe(tunnel: Tunnel, probe: ProbeKind, limits: ProbeLimits = LIMITS): Promise<ProbeOutcome> {
  return probe.kind === 'tcp-probe' ? tcpProbe(tunnel, probe, limits) : httpProbe(tunnel, probe, limits);
}

/** Settles once: on `decide`, the end of the stream, or the time limit; the tunnel is closed in every case. */
function exchange(
  tunnel: Tunnel,
  send: string,
  limits: ProbeLimits,
  decide: (received: Buffer, ended: boolean) => ProbeOutcome | null,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (quiet) clearTimeout(quiet);
      void tunnel.close();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle(received.length ? 'answered' : 'silent'), limits.timeoutMs);
    let quiet: NodeJS.Timeout | null = null;
    tunnel.stream.on('error', () => settle(received.length ? 'answered' : 'silent'));
    tunnel.stream.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, limits.readBytes);
      const outcome = decide(received, received.length >= limits.readBytes);
      if (outcome) {
        settle(outcome);
        return;
      }
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(() => settle(decide(received, true) ?? 'answered'), limits.quietMs);
    });
    const ended = () => settle(decide(received, true) ?? (received.length ? 'answered' : 'silent'));
    tunnel.stream.on('end', ended);
    tunnel.stream.on('close', ended);
    tunnel.stream.write(send);
  });
}

function tcpProbe(
  tunnel: Tunnel,
  probe: Extract<ProbeKind, { kind: 'tcp-probe' }>,
  limits: ProbeLimits,
): Promise<ProbeOutcome> {
  const expect = new RegExp(probe.expect, 'u');
  return exchange(tunnel, probe.send, limits, (received, ended) => {
    if (expect.test(received.toString('utf8'))) return 'passed';
    return ended ? (received.length ? 'answered' : 'silent') : null;
  });
}

function httpProbe(
  tunnel: Tunnel,
  probe: Extract<ProbeKind, { kind: 'http-probe' }>,
  limits: ProbeLimits,
): Promise<ProbeOutcome> {
  const reader = new ResponseReader('GET');
  let head: ResponseHead | null = null;
  const body: Buffer[] = [];
  const request = requestHead(`GET ${probe.path} HTTP/1.1`, [
    ['Host', `127.0.0.1:${probe.port}`],
    ['User-Agent', 'socket-lab-check'],
    ['Accept', '*/*'],
    ['Connection', 'close'],
  ]);
  let fed = 0;
  return exchange(tunnel, request, limits, (received, ended) => {
    for (const event of reader.push(received.subarray(fed))) {
      if (event.kind === 'head') head = event.head;
      else if (event.kind === 'body') body.push(event.data);
      else if (event.kind === 'malformed') return 'answered';
      else return judge(probe, head, Buffer.concat(body));
    }
    fed = received.length;
    // The server closed before the response was complete by its own framing: a browser would not finish loading
    // (or, with no framing at all, finishes only because of the close), which these checks do not count.
    return ended ? (fed ? 'answered' : 'silent') : null;
  });
}

function judge(probe: Extract<ProbeKind, { kind: 'http-probe' }>, head: ResponseHead | null, body: Buffer) {
  if (!head || head.status !== probe.status) return 'answered';
  if (probe.contentLength && head.framing !== 'content-length') return 'answered';
  const fields = head.headers.map(([name, value]) => `${name}: ${value}`).join('\n');
  if (probe.header !== undefined && !new RegExp(probe.header, 'imu').test(fields)) return 'answered';
  if (probe.body !== undefined && !new RegExp(probe.body, 'u').test(body.toString('utf8'))) return 'answered';
  return 'passed';
}
