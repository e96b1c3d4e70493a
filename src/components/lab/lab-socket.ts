/**
 * The browser end of the lab protocol (docs/protocol.md): one WebSocket per lab, carrying all its terminals. It
 * validates what the backend sends, reconnects with backoff when the connection drops and re-attaches the terminals
 * it showed, so a page comes back to the same running programs. No DOM and no xterm.js here: tests and the benchmark
 * drive the backend through this very module from Node.
 */
import { decodeFrame, encodeInputFrame } from '#protocol/frames.ts';
import {
  CLOSE_CODES,
  parseServerMessage,
  PROTOCOL_VERSION,
  type CaptureMessage,
  type ClientMessage,
  type FileMessage,
  type TerminalEncoding,
  type TerminalSignal,
} from '#protocol/messages.ts';
import { fitsPayload, splitText } from './wire-limits.ts';
import { WIRE } from '#protocol/limits.ts';
import {
  NotJoinedError,
  type CheckEvents,
  type ConnectionState,
  type FileEvents,
  type LabSocketOptions,
  type PaneEvents,
  type TerminalEvents,
} from './lab-socket-events.ts';

// What the socket's users hear and give it lives beside it; importers keep finding it here.
export { NotJoinedError } from './lab-socket-events.ts';
export type {
  CheckEvents,
  ConnectionState,
  FileEvents,
  FileServerMessage,
  LabSocketOptions,
  PaneEvents,
  TerminalEvents,
} from './lab-socket-events.ts';

interface Wanted {
  events: TerminalEvents;
  cols: number;
  rows: number;
  channel: number | null;
  /** The backend said this terminal's workspace ended (so the close that follows need not say it again). */
  toldEnded: boolean;
}

const defaultBackoff = (attempt: number): number => Math.min(5000, 250 * 2 ** (attempt - 1));

export class LabSocket {
  readonly #options: LabSocketOptions;
  readonly #terminals = new Map<string, Wanted>();
  readonly #byChannel = new Map<number, string>();
  readonly #panes = new Map<string, PaneEvents>();
  #files: FileEvents | null = null;
  #checks: CheckEvents | null = null;
  #ws: WebSocket | null = null;
  #state: ConnectionState = 'connecting';
  #maxPayload: number | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(options: LabSocketOptions) {
    this.#options = options;
    void this.#connect();
  }

  /**
   * The most bytes one message to the backend may have, as its hello said (null until it has spoken): a bigger one
   * would make it close the connection (1009), taking every terminal of the lab with it.
   */
  get maxPayload(): number | null {
    return this.#maxPayload;
  }

  /** Shows terminal `id`; re-attached automatically after every reconnect. */
  attach(id: string, events: TerminalEvents, cols: number, rows: number): void {
    const previous = this.#terminals.get(id);
    if (previous?.channel != null) this.#byChannel.delete(previous.channel);
    this.#terminals.set(id, { events, cols, rows, channel: null, toldEnded: false });
    this.#send({ type: 'attach', terminal: id, cols, rows });
  }

  input(id: string, text: string): void {
    const channel = this.#terminals.get(id)?.channel;
    const ws = this.#ws;
    if (channel == null || !ws || ws.readyState !== WebSocket.OPEN) return;
    for (const chunk of splitText(text, WIRE.inputChunkChars)) ws.send(encodeInputFrame(channel, chunk));
  }

  resize(id: string, cols: number, rows: number): void {
    const wanted = this.#terminals.get(id);
    if (!wanted || (wanted.cols === cols && wanted.rows === rows)) return;
    wanted.cols = cols;
    wanted.rows = rows;
    this.#send({ type: 'resize', terminal: id, cols, rows });
  }

  run(id: string, command: number): void {
    this.#send({ type: 'run', terminal: id, command });
  }

  signal(id: string, signal: TerminalSignal): void {
    this.#send({ type: 'signal', terminal: id, signal });
  }

  restart(id: string, command?: number): void {
    this.#send(command === undefined ? { type: 'restart', terminal: id } : { type: 'restart', terminal: id, command });
  }

  /** Puts the lesson's original files back: the workspace ends, and the reconnect brings a fresh one. */
  resetFiles(): void {
    this.#send({ type: 'reset-files' });
  }

  setEncoding(id: string, encoding: TerminalEncoding): void {
    this.#send({ type: 'encoding', terminal: id, encoding });
  }

  /** Tells the backend `bytes` more of this terminal's output are on screen (flow control). */
  ack(id: string, bytes: number): void {
    this.#send({ type: 'ack', terminal: id, bytes });
  }

  /** Where pane `id`'s events go. Panes hold nothing across reconnects: a dropped connection ends their requests. */
  listenPane(id: string, events: PaneEvents): void {
    this.#panes.set(id, events);
  }

  httpGet(pane: string, port: number, path: string): void {
    this.#send({ type: 'http-get', pane, port, path });
  }

  httpCancel(pane: string): void {
    this.#send({ type: 'http-cancel', pane });
  }

  wsConnect(pane: string, port: number, path: string): void {
    this.#send({ type: 'ws-connect', pane, port, path });
  }

  wsSend(pane: string, text: string): void {
    this.#send({ type: 'ws-send', pane, text });
  }

  wsDisconnect(pane: string): void {
    this.#send({ type: 'ws-disconnect', pane });
  }

  /** Where the editor's messages go. Like the panes', its requests do not outlive a dropped connection. */
  listenFiles(events: FileEvents): void {
    this.#files = events;
  }

  /** Where the checks' states go. */
  listenChecks(events: CheckEvents): void {
    this.#checks = events;
  }

  /** A file request (file-client.ts makes them). */
  sendFile(message: FileMessage): void {
    this.#send(message);
  }

  /** The wire view's messages: open or close a pane's capture, acknowledge segments. */
  sendCapture(message: CaptureMessage): void {
    this.#send(message);
  }

  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#ws?.close(1000, 'page closed');
    this.#setState('closed');
  }

  #send(message: ClientMessage): void {
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
      for (const [id, wanted] of this.#terminals) {
        wanted.channel = null;
        this.#send({ type: 'attach', terminal: id, cols: wanted.cols, rows: wanted.rows });
      }
    };
    ws.onmessage = (event: MessageEvent) => this.#receive(event.data);
    ws.onclose = (event: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#byChannel.clear();
      // The backend tells each attached terminal itself; every other one hears it here, so each hears it once.
      for (const wanted of this.#terminals.values()) {
        if (event.code === CLOSE_CODES.workspaceEnded && !wanted.toldEnded) wanted.events.detached('workspace-ended');
        wanted.channel = null;
        wanted.toldEnded = false;
      }
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
      const id = frame && this.#byChannel.get(frame.channel);
      if (frame && id) this.#terminals.get(id)?.events.output(frame.payload);
      return;
    }
    if (typeof data !== 'string') return;
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      this.#options.onError?.('bad-message', `the backend sent something unexpected: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'hello':
        if (message.protocol !== PROTOCOL_VERSION) {
          this.#setState('outdated', 'the lab was updated: reload the page');
          this.#ws?.close(1000, 'outdated');
        }
        this.#maxPayload = message.maxPayload;
        break;
      case 'attached': {
        const wanted = this.#terminals.get(message.terminal);
        if (!wanted) break;
        wanted.channel = message.channel;
        wanted.toldEnded = false;
        this.#byChannel.set(message.channel, message.terminal);
        wanted.events.attached({ encoding: message.encoding, status: message.status, exitCode: message.exitCode });
        break;
      }
      case 'status':
        this.#terminals.get(message.terminal)?.events.statusChanged(message.status, message.exitCode);
        break;
      case 'detached': {
        const wanted = this.#terminals.get(message.terminal);
        if (!wanted) break;
        if (wanted.channel != null) this.#byChannel.delete(wanted.channel);
        wanted.channel = null;
        // A replaced terminal is not re-attached on reconnect: the other tab has it until this one takes it back.
        if (message.reason === 'replaced') this.#terminals.delete(message.terminal);
        wanted.toldEnded = message.reason === 'workspace-ended';
        wanted.events.detached(message.reason);
        break;
      }
      case 'error': {
        if (message.path !== undefined && this.#files) {
          this.#files.error(message.code, message.message, message.path);
          break;
        }
        const events =
          (message.terminal === undefined ? undefined : this.#terminals.get(message.terminal)?.events) ??
          (message.pane === undefined ? undefined : this.#panes.get(message.pane));
        if (events) events.error(message.code, message.message);
        else this.#options.onError?.(message.code, message.message);
        break;
      }
      case 'pane':
        this.#panes.get(message.pane)?.event(message.event);
        break;
      case 'checks':
        this.#checks?.states(message.checks);
        break;
      case 'check-passed':
        this.#checks?.passed(message.check);
        break;
      default:
        this.#files?.message(message);
        break;
    }
  }
}
