/**
 * The browser panes of one lab connection: at most one page request and one WebSocket per pane, each through a
 * tunnel into the learner's own workspace. They live as long as the connection (a reloaded page starts afresh).
 */
import type { LabPane } from '#protocol/lab-manifest.ts';
import type { PaneEvent, PaneMessage, ServerMessage } from '#protocol/messages.ts';
import type { Tunnel } from '../sandbox/tunnel.ts';
import type { BrowserIdentity } from './browser-request.ts';
import { previewRequest, startPreview, type PreviewEvent } from './http-preview.ts';
import { startWebSocket, type WsClient, type WsEvent } from './ws-client.ts';
import { PANES } from '#protocol/limits.ts';

/** Connections a page's panes may have open or still closing at once: each is a process in the sandbox. */

type PaneErrorCode = 'unknown-pane' | 'not-connected' | 'busy';

export class PaneError extends Error {
  readonly code: PaneErrorCode;
  constructor(code: PaneErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface PaneContext {
  panes: readonly LabPane[];
  connect(port: number): Tunnel;
  browser: BrowserIdentity;
  send(message: ServerMessage): void;
}

type Active = { kind: 'preview'; cancel(): void } | { kind: 'websocket'; client: WsClient };

export class PaneSessions {
  readonly #context: PaneContext;
  readonly #active = new Map<string, Active>();
  readonly #tunnels = new Set<Tunnel>();
  #closed = false;

  constructor(context: PaneContext) {
    this.#context = context;
  }

  handle(message: PaneMessage): void {
    if (this.#closed) return;
    const pane = this.#context.panes.find((p) => p.id === message.pane);
    const wanted = message.type.startsWith('http-') ? 'preview' : 'websocket';
    if (!pane || pane.kind !== wanted) {
      throw new PaneError('unknown-pane', `this lab has no ${wanted} pane "${message.pane}"`);
    }
    switch (message.type) {
      case 'http-get':
        this.#replace(pane.id);
        this.#startPreview(pane.id, message.port, message.path);
        break;
      case 'http-cancel': {
        const active = this.#active.get(pane.id);
        if (active?.kind === 'preview') active.cancel();
        break;
      }
      case 'ws-connect':
        this.#replace(pane.id);
        this.#startWebSocket(pane.id, message.port, message.path);
        break;
      case 'ws-send': {
        const active = this.#active.get(pane.id);
        if (active?.kind !== 'websocket') throw new PaneError('not-connected', 'connect the WebSocket first');
        active.client.sendText(message.text);
        break;
      }
      case 'ws-disconnect': {
        const active = this.#active.get(pane.id);
        if (active?.kind === 'websocket') active.client.close();
        break;
      }
    }
  }

  /** Ends every pane's request and connection. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const id of [...this.#active.keys()]) this.#replace(id);
  }

  /** Ends what the pane was doing without reporting it: the pane has moved on. */
  #replace(id: string): void {
    const active = this.#active.get(id);
    if (!active) return;
    this.#active.delete(id);
    if (active.kind === 'preview') active.cancel();
    else active.client.close();
  }

  /** Sends a pane's events while `entry` is what the pane is doing; the last event also ends it. */
  #emitter(id: string, entry: object, last: PaneEvent['kind']) {
    return (event: PaneEvent) => {
      if (this.#active.get(id) !== entry) return;
      if (event.kind === last) this.#active.delete(id);
      this.#context.send({ type: 'pane', pane: id, event });
    };
  }

  #connect(port: number): Tunnel {
    if (this.#tunnels.size >= PANES.tunnels) {
      throw new PaneError('busy', 'too many requests at once: wait for the last ones to finish');
    }
    const tunnel = this.#context.connect(port);
    this.#tunnels.add(tunnel);
    void tunnel.closed.then(() => this.#tunnels.delete(tunnel));
    return tunnel;
  }

  #startPreview(id: string, port: number, path: string): void {
    const tunnel = this.#connect(port);
    const entry = { kind: 'preview' as const, cancel: () => preview.cancel() };
    this.#active.set(id, entry);
    const emit = this.#emitter(id, entry, 'http-end');
    const request = previewRequest(port, path, this.#context.browser);
    const preview = startPreview(tunnel, request, (e) => emit(toWire(e)));
  }

  #startWebSocket(id: string, port: number, path: string): void {
    const tunnel = this.#connect(port);
    const entry = {
      kind: 'websocket' as const,
      client: { sendText: (t: string) => client.sendText(t), close: () => client.close() },
    };
    this.#active.set(id, entry);
    const emit = this.#emitter(id, entry, 'ws-closed');
    const client = startWebSocket(tunnel, port, path, this.#context.browser, (e) => emit(toWire(e)));
  }
}

function toWire(event: PreviewEvent | WsEvent): PaneEvent {
  switch (event.kind) {
    case 'http-raw':
    case 'http-body':
      return { kind: event.kind, data: event.data.toString('base64') };
    case 'http-head':
      return { kind: 'http-head', ...event.head };
    case 'ws-message':
      return { ...event, data: event.data.toString('base64') };
    default:
      return event;
  }
}
