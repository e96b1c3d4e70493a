/**
 * The connection under a LabSocket (lab-socket.ts): opens the WebSocket once `prepare` lets it, reconnects with
 * backoff when it drops, and says which state it is in. It owns the wire's framing and its handshake: the backend's
 * hello (the protocol version, the payload limit), what may be sent within that limit, terminal input as binary
 * frames. Every other message goes up to the socket, checked against the protocol's schemas, to be routed.
 */
import { decodeFrame, encodeInputFrame } from '#protocol/frames.ts';
import { WIRE } from '#protocol/limits.ts';
import { parseServerMessage, PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '#protocol/messages.ts';
import { NotJoinedError, type ConnectionState, type LabSocketOptions } from './lab-socket-events.ts';
import { fitsPayload, splitText } from './wire-limits.ts';

/** Every message of the backend's but the hello, which the connection answers itself. */
export type RoutedMessage = Exclude<ServerMessage, { type: 'hello' }>;

/** What the connection hands up to the socket. */
export interface ConnectionEvents {
  /** Open (again): what the page showed is to be asked for anew. */
  opened(): void;
  /** Terminal output that came on `channel`. */
  output(channel: number, payload: Uint8Array): void;
  /** Valid by the protocol's schemas. */
  message(message: RoutedMessage): void;
  /** Dropped or closed, with the WebSocket close code; a reconnect follows unless closed or outdated. */
  closed(code: number): void;
}

const defaultBackoff = (attempt: number): number => Math.min(5000, 250 * 2 ** (attempt - 1));

export class LabSocketConnection {
  readonly #options: LabSocketOptions;
  readonly #events: ConnectionEvents;
  #ws: WebSocket | null = null;
  #state: ConnectionState = 'connecting';
  #maxPayload: number | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(options: LabSocketOptions, events: ConnectionEvents) {
    this.#options = options;
    this.#events = events;
    void this.#connect();
  }

  /** The most bytes one message to the backend may have, as its hello said (null until it has spoken). */
  get maxPayload(): number | null {
    return this.#maxPayload;
  }

  send(message: ClientMessage): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    // The panes check what a learner types before it gets here; this is the last line that keeps one oversized
    // message from closing the whole lab.
    if (this.#maxPayload !== null && !fitsPayload(text, this.#maxPayload)) {
      this.#options.onError?.(
        'bad-message',
        `${message.type} not sent: over the lab's limit of ${this.#maxPayload} bytes`,
      );
      return;
    }
    ws.send(text);
  }

  /** Terminal input for `channel`, in frames small enough for the backend. */
  sendInput(channel: number, text: string): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    for (const chunk of splitText(text, WIRE.inputChunkChars)) ws.send(encodeInputFrame(channel, chunk));
  }

  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#ws?.close(1000, 'page closed');
    this.#setState('closed');
  }

  #setState(state: ConnectionState, detail?: string): void {
    this.#state = state;
    this.#options.onState?.(state, detail);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      await this.#options.prepare?.();
    } catch (error) {
      if (error instanceof NotJoinedError) this.#setState('not-joined', error.message);
      else this.#retry(`could not reach the lab: ${(error as Error).message}`);
      return;
    }
    if (this.#closed) return;
    const ws = this.#options.open(this.#options.url);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.onopen = () => {
      this.#attempt = 0;
      this.#setState('open');
      this.#events.opened();
    };
    ws.onmessage = (event: MessageEvent) => this.#receive(event.data);
    ws.onclose = (event: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#events.closed(event.code);
      if (this.#closed || this.#state === 'outdated') return;
      this.#retry(event.reason || `connection closed (${event.code})`);
    };
  }

  #retry(detail: string): void {
    this.#attempt += 1;
    this.#setState('reconnecting', detail);
    const delay = (this.#options.backoff ?? defaultBackoff)(this.#attempt);
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  #receive(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      const frame = decodeFrame(new Uint8Array(data));
      if (frame) this.#events.output(frame.channel, frame.payload);
      return;
    }
    if (typeof data !== 'string') return;
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      this.#options.onError?.('bad-message', `the backend sent something unexpected: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    if (message.type !== 'hello') return this.#events.message(message);
    if (message.protocol !== PROTOCOL_VERSION) {
      this.#setState('outdated', 'the lab was updated: reload the page');
      this.#ws?.close(1000, 'outdated');
    }
    this.#maxPayload = message.maxPayload;
  }
}
