/**
 * The page preview: one browser-like GET to the learner's server inside their sandbox, reported as it happens: the
 * request sent, the raw bytes received, the parsed head, the body, and how it ended. A response that never ends
 * (the study note's server) simply produces no `http-end` until the learner gives up, the server closes, or the
 * time limit.
 */
import type { Tunnel } from '../sandbox/tunnel.ts';
import { requestHead, type BrowserIdentity } from './browser-request.ts';
import { ResponseReader, type ResponseHead } from './http-response.ts';
import { PANES } from '#protocol/limits.ts';
import type { PreviewOutcome } from '#protocol/messages.ts';

export type PreviewEvent =
  | { kind: 'http-sent'; request: string }
  | { kind: 'http-raw'; data: Buffer }
  | { kind: 'http-head'; head: ResponseHead }
  | { kind: 'http-body'; data: Buffer }
  | { kind: 'http-end'; outcome: PreviewOutcome; detail: string; elapsedMs: number };

export interface PreviewLimits {
  /** Response bytes shown at most. */
  maxBytes: number;
  /** How long a response may take in all. */
  timeoutMs: number;
}

const PREVIEW_LIMITS: PreviewLimits = { maxBytes: PANES.previewBytes, timeoutMs: PANES.previewTimeoutMs };

export function previewRequest(port: number, path: string, browser: BrowserIdentity): string {
  return requestHead(`GET ${path} HTTP/1.1`, [
    ['Host', `127.0.0.1:${port}`],
    ['User-Agent', browser.userAgent],
    ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ['Accept-Language', browser.acceptLanguage],
    // Compressed bodies could not be shown byte for byte in the raw view.
    ['Accept-Encoding', 'identity'],
    ['Connection', 'keep-alive'],
  ]);
}

export interface Preview {
  cancel(): void;
}

export function startPreview(
  tunnel: Tunnel,
  request: string,
  emit: (event: PreviewEvent) => void,
  limits: PreviewLimits = PREVIEW_LIMITS,
): Preview {
  const started = Date.now();
  const reader = new ResponseReader('GET');
  let received = 0;
  let framing = '';
  let ended = false;

  const end = (outcome: PreviewOutcome, detail: string) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    emit({ kind: 'http-end', outcome, detail, elapsedMs: Date.now() - started });
    void tunnel.close();
  };
  const timer = setTimeout(
    () => end('timeout', `no complete response after ${Math.round(limits.timeoutMs / 1000)} s`),
    limits.timeoutMs,
  );

  tunnel.stream.on('data', (chunk: Buffer) => {
    if (ended) return;
    received += chunk.length;
    if (received > limits.maxBytes) {
      end('too-large', `more than ${limits.maxBytes} bytes: the preview stops reading`);
      return;
    }
    emit({ kind: 'http-raw', data: chunk });
    for (const event of reader.push(chunk)) {
      if (event.kind === 'head') {
        framing = event.head.framing;
        emit({ kind: 'http-head', head: event.head });
      } else if (event.kind === 'body') {
        emit({ kind: 'http-body', data: event.data });
      } else if (event.kind === 'complete') {
        end('complete', endedBy(framing));
      } else {
        end('malformed', event.reason);
      }
    }
  });
  // 'end': the server's side is done (our side stays open, as a browser's would); 'close': the tunnel broke.
  const serverClosed = () => {
    if (received === 0) {
      void tunnel.failure().then((reason) => end('refused', reason || 'the connection closed before any response'));
    } else if (reader.closeEndsBody) end('closed', 'the server closed the connection, which ended the body');
    else end('truncated', 'the server closed the connection before the response was complete');
  };
  tunnel.stream.on('end', serverClosed);
  tunnel.stream.on('close', serverClosed);
  tunnel.stream.write(request);
  emit({ kind: 'http-sent', request });
  return { cancel: () => end('cancelled', 'stopped waiting') };
}

function endedBy(framing: string): string {
  switch (framing) {
    case 'content-length':
      return 'all Content-Length bytes arrived';
    case 'chunked':
      return 'the last (zero-length) chunk arrived';
    default:
      return 'the response has no body';
  }
}
