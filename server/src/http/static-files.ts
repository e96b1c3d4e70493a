/**
 * Serves the built site (Astro's `dist/`): GET and HEAD only, never a path outside the site directory.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from '../log.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

type Found = { kind: 'file'; file: string; size: number } | { kind: 'redirect'; location: string } | null;

export function createStaticHandler(siteDir: string, log: Logger) {
  const root = path.resolve(siteDir);

  async function find(pathname: string): Promise<Found> {
    const target = path.resolve(root, `.${pathname}`);
    if (target !== root && !target.startsWith(root + path.sep)) return null;
    const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'ENAMETOOLONG') return null;
      throw error;
    });
    if (!info) return null;
    if (info.isDirectory()) {
      // One leading slash only: "//host/" in a Location header would send the browser to another site.
      if (!pathname.endsWith('/')) return { kind: 'redirect', location: `/${pathname.replace(/^\/+/, '')}/` };
      return find(`${pathname}index.html`);
    }
    return info.isFile() ? { kind: 'file', file: target, size: info.size } : null;
  }

  function send(req: IncomingMessage, res: ServerResponse, status: number, file: string, size: number): void {
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const immutable = file.startsWith(path.join(root, '_astro') + path.sep);
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', (error) => {
      log.error('static file read failed', { file, error: error.message });
      res.destroy(error);
    });
    stream.pipe(res);
  }

  function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    res.end(`${text}\n`);
  }

  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const raw = (req.url ?? '/').split('?')[0] ?? '/';
    let pathname: string;
    try {
      pathname = decodeURIComponent(raw);
    } catch (error) {
      plain(res, 400, `Bad Request: ${(error as Error).message}`);
      return;
    }
    if (!pathname.startsWith('/') || pathname.includes('\0')) {
      plain(res, 400, 'Bad Request: malformed path');
      return;
    }
    const found = await find(pathname);
    if (found?.kind === 'redirect') {
      res.writeHead(301, { Location: encodeURI(found.location) });
      res.end();
    } else if (found) {
      send(req, res, 200, found.file, found.size);
    } else {
      const notFound = await find('/404.html');
      if (notFound?.kind === 'file') send(req, res, 404, notFound.file, notFound.size);
      else plain(res, 404, 'Not Found');
    }
  };
}
