/**
 * A WebSocket without the lab client around it, for sending what a browser page never would.
 */
import WebSocket from 'ws';
import type { ServerMessage } from '#protocol/messages.ts';
import type { TestLab } from './lab-harness.ts';

export interface RawSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  binary: Buffer[];
  next(predicate: (m: ServerMessage) => boolean, what: string): Promise<ServerMessage>;
  closed: Promise<{ code: number; reason: string }>;
}

/** The HTTP status a refused upgrade gets (or 101 when it is accepted). */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

export function socketUrl(lab: TestLab, labId: string): string {
  return `${lab.url.replace(/^http/, 'ws')}/_lab/ws?lab=${labId}`;
}

export function openRaw(lab: TestLab, labId: string, cookie: string): Promise<RawSocket> {
  return openRawUrl(socketUrl(lab, labId), { cookie, origin: lab.origin });
}

/** A raw socket to any lab endpoint, such as a unit test's own server. */
export async function openRawUrl(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
  const ws = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  const binary: Buffer[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) binary.push(data);
    else messages.push(JSON.parse(data.toString('utf8')) as ServerMessage);
    for (const waiter of [...waiters]) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (predicate: (m: ServerMessage) => boolean, what: string) =>
    new Promise<ServerMessage>((resolve, reject) => {
      let seen = 0;
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what}; got ${JSON.stringify(messages)}`));
      }, 10_000);
      const check = () => {
        for (; seen < messages.length; seen++) {
          const message = messages[seen] as ServerMessage;
          if (predicate(message)) {
            clearTimeout(timer);
            waiters.delete(check);
            messages.splice(seen, 1);
            resolve(message);
            return;
          }
        }
      };
      waiters.add(check);
      check();
    });
  return { ws, messages, binary, next, closed };
}
