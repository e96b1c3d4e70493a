/**
 * The wire view's lifelines: one column per endpoint in the order they first appear, named by role where it shows:
 * the side a connection is opened to (the SYN's destination, or the lab's server port) is the server, the side that
 * opens it a client, numbered as they come. No DOM: unit tests run it in Node.
 */
import type { CaptureSegment } from '#protocol/capture.ts';

export interface Endpoint {
  /** `127.0.0.1:2333` */
  address: string;
  column: number;
  role: 'server' | 'client' | null;
  /** The client's number, from 1; 0 for others. */
  client: number;
}

export function endpointPort(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

export class Lifelines {
  readonly #serverPort: number;
  readonly #endpoints = new Map<string, Endpoint>();
  #clients = 0;

  constructor(serverPort: number) {
    this.#serverPort = serverPort;
  }

  get endpoints(): Endpoint[] {
    return [...this.#endpoints.values()];
  }

  /** The columns of a segment's two ends; `changed` when a lifeline was added or named. */
  place(segment: CaptureSegment): { from: Endpoint; to: Endpoint; changed: boolean } {
    const before = this.#signature();
    const from = this.#endpoint(segment.src);
    const to = this.#endpoint(segment.dst);
    if (segment.flags.includes('SYN') && !segment.flags.includes('ACK')) {
      if (!to.role) to.role = 'server';
      if (!from.role) this.#makeClient(from);
    } else if (to.role === 'server' && !from.role && segment.protocol === 'tcp') {
      this.#makeClient(from);
    } else if (from.role === 'server' && !to.role && segment.protocol === 'tcp') {
      this.#makeClient(to);
    }
    return { from, to, changed: this.#signature() !== before };
  }

  clear(): void {
    this.#endpoints.clear();
    this.#clients = 0;
  }

  #endpoint(address: string): Endpoint {
    let endpoint = this.#endpoints.get(address);
    if (!endpoint) {
      const server = endpointPort(address) === this.#serverPort;
      endpoint = { address, column: this.#endpoints.size, role: server ? 'server' : null, client: 0 };
      this.#endpoints.set(address, endpoint);
    }
    return endpoint;
  }

  #makeClient(endpoint: Endpoint): void {
    endpoint.role = 'client';
    endpoint.client = ++this.#clients;
  }

  #signature(): string {
    return this.endpoints.map((e) => `${e.address}/${e.role}`).join();
  }
}
