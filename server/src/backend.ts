/**
 * The lab backend: the class door (join, learner session, pages for those who have joined) and the terminal WebSocket
 * endpoint, with everything behind them. It attaches to any Node HTTP server: the standalone one (site-server.ts) or
 * Astro's dev server (astro-integration.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Config } from './config.ts';
import { createDoor } from './http/door.ts';
import { progressOf, sendProgress } from './http/progress.ts';
import type { OriginPolicy } from './http/origin.ts';
import { browserIdentity } from './panes/browser-request.ts';
import type { LabCatalog } from './lessons/lab-catalog.ts';
import { labIdSchema } from '#protocol/lab-manifest.ts';
import { JOIN_PAGES } from '#protocol/join.ts';
import { LAB_PATHS } from '#protocol/messages.ts';
import { PROGRESS_PATH } from '#protocol/progress.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/store.ts';
import { LabConnection } from './ws/lab-connection.ts';
import type { WorkspaceRegistry } from './workspace/workspace-registry.ts';
import { WIRE } from '#protocol/limits.ts';

/** Big enough for a pasted page of text in one frame; the browser splits larger pastes. */
/** WebSockets one learner may have open at once (tabs x labs). */

export interface LabBackend {
  /**
   * Handles requests under /_lab/, and page requests the door turns away (a lab with a passcode sends a browser that
   * has not joined to the join page); returns false for anything else.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** Handles upgrades to the lab socket; returns false for anything else (so a dev server keeps its own). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every connection. The registry is closed by its owner. */
  close(): Promise<void>;
}

export interface BackendDependencies {
  config: Config;
  origins: OriginPolicy;
  catalog: LabCatalog;
  registry: WorkspaceRegistry;
  store: Store;
  log: Logger;
}

export function createLabBackend({ config, origins, catalog, registry, store, log }: BackendDependencies): LabBackend {
  // permessage-deflate stays off: terminal output is mostly small frames that compress badly, and inflating a
  // compressed stream costs latency and memory per connection (ttyd lost 3x throughput to it).
  const wss = new WebSocketServer({ noServer: true, maxPayload: WIRE.maxPayload, perMessageDeflate: false });
  wss.on('error', (error) => log.error('websocket server error', { error: error.message }));
  const connectionsPerLearner = new Map<string, number>();
  const door = createDoor({ config, store, log });
  const posts: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    [LAB_PATHS.session]: (req, res) => door.session(req, res),
    [LAB_PATHS.join]: (req, res) => {
      door.join(req, res).catch((error: unknown) => {
        log.error('join failed', { error: String(error) });
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
        res.end('Internal Server Error\n');
      });
    },
  };
  const notJoined = door.hasPasscode
    ? `Join the class first: ${JOIN_PAGES['zh-CN']} (${JOIN_PAGES.en} in English)`
    : `No learner id: POST ${LAB_PATHS.session} first`;

  const refuse = (req: IncomingMessage, socket: Duplex, status: number, reason: string) => {
    log.warn('upgrade refused', {
      status,
      reason,
      origin: req.headers.origin,
      remote: req.socket.remoteAddress,
      url: req.url?.slice(0, 200),
    });
    const body = `${reason}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  return {
    handleRequest(req, res) {
      const pathname = (req.url ?? '').split('?')[0] ?? '';
      if (!pathname.startsWith('/_lab/')) return door.screen(req, res);
      if (pathname === PROGRESS_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
        const learnerId = door.learnerOf(req);
        sendProgress(res, progressOf(catalog, learnerId ? store.checks.all(learnerId) : []));
        return true;
      }
      const post = Object.hasOwn(posts, pathname) ? posts[pathname] : undefined;
      if (!post) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      } else if (req.method !== 'POST') {
        res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' }).end('Use POST\n');
      } else if (!origins.allows(req)) {
        // Another site's page must not start a session or log a browser in (login CSRF).
        log.warn('post refused', { path: pathname, origin: req.headers.origin, remote: req.socket.remoteAddress });
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Origin not allowed\n');
      } else {
        post(req, res);
      }
      return true;
    },

    handleUpgrade(req, socket, head) {
      const base = 'http://lab.invalid';
      if (!URL.canParse(req.url ?? '/', base)) return false;
      const url = new URL(req.url ?? '/', base);
      if (url.pathname !== LAB_PATHS.socket) return false;
      socket.on('error', (error) => log.warn('upgrade socket error', { error: error.message }));
      if (!origins.allows(req)) {
        refuse(req, socket, 403, 'Origin not allowed: terminals open only from the lab site itself');
        return true;
      }
      const learnerId = door.learnerOf(req);
      if (!learnerId) {
        refuse(req, socket, 401, notJoined);
        return true;
      }
      store.learners.touch(learnerId);
      const labId = labIdSchema.safeParse(url.searchParams.get('lab'));
      if (!labId.success) {
        refuse(req, socket, 400, 'Malformed lab id');
        return true;
      }
      const lab = catalog.get(labId.data);
      if (!lab) {
        refuse(req, socket, 404, `No lab "${labId.data}"`);
        return true;
      }
      const open = connectionsPerLearner.get(learnerId) ?? 0;
      if (open >= WIRE.connectionsPerLearner) {
        refuse(req, socket, 429, 'Too many lab connections from this learner');
        return true;
      }
      const limit = registry.check(learnerId, lab);
      if (limit) {
        refuse(req, socket, limit.status, limit.message);
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        connectionsPerLearner.set(learnerId, (connectionsPerLearner.get(learnerId) ?? 0) + 1);
        ws.on('close', () => {
          const left = (connectionsPerLearner.get(learnerId) ?? 1) - 1;
          if (left > 0) connectionsPerLearner.set(learnerId, left);
          else connectionsPerLearner.delete(learnerId);
        });
        new LabConnection(ws, {
          learnerId,
          lab,
          registry,
          heartbeatMs: config.heartbeatMs,
          maxPayload: WIRE.maxPayload,
          browser: browserIdentity(req),
          log,
        });
      });
      return true;
    },

    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
