/**
 * The standalone server: the built site and the lab backend on one port.
 */
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { createStaticHandler } from './http/static-files.ts';
import { startLab, type RunningLab } from './lab.ts';
import type { Logger } from './log.ts';

export interface SiteServer {
  readonly server: Server;
  readonly lab: RunningLab;
  /** e.g. http://127.0.0.1:4321 */
  readonly url: string;
  close(): Promise<void>;
}

export async function startSiteServer(config: Config, log: Logger): Promise<SiteServer> {
  const lab = await startLab(config, log);
  const serveStatic = createStaticHandler(config.siteDir, log);
  const server = createServer((req, res) => {
    req.on('error', (error) => log.warn('request error', { error: error.message }));
    res.on('error', (error) => log.warn('response error', { error: error.message }));
    if (lab.backend.handleRequest(req, res)) return;
    serveStatic(req, res).catch((error: unknown) => {
      log.error('static file failed', { url: req.url, error: String(error) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error\n');
    });
  });
  server.on('clientError', (error, socket) => {
    log.warn('bad HTTP request', { error: error.message });
    if (socket.writable) socket.end(`HTTP/1.1 400 ${STATUS_CODES[400]}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => {
    if (lab.backend.handleUpgrade(req, socket, head)) return;
    socket.on('error', (error) => log.warn('upgrade socket error', { error: error.message }));
    socket.end(`HTTP/1.1 404 ${STATUS_CODES[404]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await lab.close();
    throw error;
  }
  server.on('error', (error) => log.error('server error', { error: error.message }));
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    server,
    lab,
    url,
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await lab.close();
        await closed;
      })();
      return closing;
    },
  };
}
