/**
 * Serves the built site (Astro's `dist/`): GET and HEAD only, never a path outside the site directory. Text files
 * go out as the brotli or gzip copy made at build time (precompress.ts) when the browser accepts it; hashed assets
 * are cached for good, everything else revalidated with an ETag.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { COMPRESSIBLE, ENCODINGS } from './precompress.ts';

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

type Found =
  { kind: 'file'; file: string; size: number; mtimeMs: number } | { kind: 'redirect'; location: string } | null;

/** The encodings the request accepts (q > 0), from its Accept-Encoding header. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}

type FoundFile = Extract<Found, { kind: 'file' }>;

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
    return info.isFile() ? { kind: 'file', file: target, size: info.size, mtimeMs: info.mtimeMs } : null;
  }

  /** The precompressed copy of `file` the browser accepts, if there is one. */
  async function variant(req: IncomingMessage, file: string) {
    if (!COMPRESSIBLE.has(path.extname(file).toLowerCase())) return null;
    const accepted = acceptedEncodings(req.headers['accept-encoding']);
    for (const encoding of ENCODINGS) {
      if (!accepted.has(encoding.name)) continue;
      const info = await stat(file + encoding.suffix).catch(() => null);
      if (info?.isFile()) return { encoding: encoding.name, file: file + encoding.suffix, size: info.size };
    }
    return null;
  }

  async function send(req: IncomingMessage, res: ServerResponse, status: number, found: FoundFile): Promise<void> {
    const ext = path.extname(found.file).toLowerCase();
    const type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
    const immutable = found.file.startsWith(path.join(root, '_astro') + path.sep);
    const compressed = await variant(req, found.file);
    const etag = `"${found.size.toString(36)}-${Math.trunc(found.mtimeMs).toString(36)}${compressed ? `-${compressed.encoding}` : ''}"`;
    const headers: Record<string, string | number> = {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    };
    // Caches must key compressible files on what the browser accepts, whichever variant this one got.
    if (COMPRESSIBLE.has(ext)) headers['Vary'] = 'Accept-Encoding';
    if (status === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    if (compressed) headers['Content-Encoding'] = compressed.encoding;
    headers['Content-Length'] = compressed?.size ?? found.size;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const file = compressed?.file ?? found.file;
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
      await send(req, res, 200, found);
    } else {
      const notFound = await find('/404.html');
      if (notFound?.kind === 'file') await send(req, res, 404, notFound);
      else plain(res, 404, 'Not Found');
    }
  };
}
