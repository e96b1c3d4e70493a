/**
 * Plain HTTP requests to a test lab through node:http: the path is sent exactly as written (fetch() would normalise
 * "/a/../b" before sending), redirects are not followed, and the client may speak from another loopback address.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import type { TestLab } from './lab-harness.ts';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes as they came, never decompressed. */
  bytes: Buffer;
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** e.g. 127.0.0.2: another client address on this machine (all of 127/8 is loopback). */
  localAddress?: string;
}

export function rawRequest(lab: TestLab, path: string, options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(lab.url);
  const { method = 'GET', headers = {}, body, localAddress } = options;
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers, ...(localAddress && { localAddress }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
