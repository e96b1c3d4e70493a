/**
 * The browser end of the lab protocol (docs/protocol.md): one WebSocket per lab, carrying all its terminals. This is
 * what goes over it: the requests of terminals, panes, the editor and the wire view, and the backend's messages routed
 * to whom they concern. It re-attaches the terminals it showed after every reconnect, so a page comes back to the same
 * running programs; the connection itself (reconnecting, the hello, the limits) is lab-socket-connection.ts's. No DOM
 * and no xterm.js here: tests and the benchmark drive the backend through this very module from Node.
 */
import {
  CLOSE_CODES,
  type CaptureMessage,
  type FileMessage,
  type TerminalEncoding,
  type TerminalSignal,
} from '#protocol/messages.ts';
import { LabSocketConnection, type RoutedMessage } from './lab-socket-connection.ts';
import {
  type CheckEvents,
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

export class LabSocket {
  readonly #options: LabSocketOptions;
  readonly #connection: LabSocketConnection;
  readonly #terminals = new Map<string, Wanted>();
  readonly #byChannel = new Map<number, string>();
  readonly #panes = new Map<string, PaneEvents>();
  #files: FileEvents | null = null;
  #checks: CheckEvents | null = null;

  constructor(options: LabSocketOptions) {
    this.#options = options;
    this.#connection = new LabSocketConnection(options, {
      opened: () => this.#reattach(),
      output: (channel, payload) => {
        const id = this.#byChannel.get(channel);
        if (id) this.#terminals.get(id)?.events.output(payload);
      },
      message: (message) => this.#receive(message),
      closed: (code) => this.#dropped(code),
    });
  }

  /**
   * The most bytes one message to the backend may have, as its hello said (null until it has spoken): a bigger one
   * would make it close the connection (1009), taking every terminal of the lab with it.
   */
  get maxPayload(): number | null {
    return this.#connection.maxPayload;
  }

  /** Shows terminal `id`; re-attached automatically after every reconnect. */
  attach(id: string, events: TerminalEvents, cols: number, rows: number): void {
    const previous = this.#terminals.get(id);
    if (previous?.channel != null) this.#byChannel.delete(previous.channel);
    this.#terminals.set(id, { events, cols, rows, channel: null, toldEnded: false });
    this.#connection.send({ type: 'attach', terminal: id, cols, rows });
  }

  input(id: string, text: string): void {
    const channel = this.#terminals.get(id)?.channel;
    if (channel != null) this.#connection.sendInput(channel, text);
  }

  resize(id: string, cols: number, rows: number): void {
    const wanted = this.#terminals.get(id);
    if (!wanted || (wanted.cols === cols && wanted.rows === rows)) return;
    wanted.cols = cols;
    wanted.rows = rows;
    this.#connection.send({ type: 'resize', terminal: id, cols, rows });
  }

  run(id: string, command: number): void {
    this.#connection.send({ type: 'run', terminal: id, command });
  }

  signal(id: string, signal: TerminalSignal): void {
    this.#connection.send({ type: 'signal', terminal: id, signal });
  }

  restart(id: string, command?: number): void {
    this.#connection.send(
      command === undefined ? { type: 'restart', terminal: id } : { type: 'restart', terminal: id, command },
    );
  }

  /** Puts the lesson's original files back: the workspace ends, and the reconnect brings a fresh one. */
  resetFiles(): void {
    this.#connection.send({ type: 'reset-files' });
  }

  setEncoding(id: string, encoding: TerminalEncoding): void {
    this.#connection.send({ type: 'encoding', terminal: id, encoding });
  }

  /** Tells the backend `bytes` more of this terminal's output are on screen (flow control). */
  ack(id: string, bytes: number): void {
    this.#connection.send({ type: 'ack', terminal: id, bytes });
  }

  /** Where pane `id`'s events go. Panes hold nothing across reconnects: a dropped connection ends their requests. */
  listenPane(id: string, events: PaneEvents): void {
    this.#panes.set(id, events);
  }

  httpGet(pane: string, port: number, path: string): void {
    this.#connection.send({ type: 'http-get', pane, port, path });
  }

  httpCancel(pane: string): void {
    this.#connection.send({ type: 'http-cancel', pane });
  }

  wsConnect(pane: string, port: number, path: string): void {
    this.#connection.send({ type: 'ws-connect', pane, port, path });
  }

  wsSend(pane: string, text: string): void {
    this.#connection.send({ type: 'ws-send', pane, text });
  }

  wsDisconnect(pane: string): void {
    this.#connection.send({ type: 'ws-disconnect', pane });
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
    this.#connection.send(message);
  }

  /** The wire view's messages: open or close a pane's capture, acknowledge segments. */
  sendCapture(message: CaptureMessage): void {
    this.#connection.send(message);
  }

  close(): void {
    this.#connection.close();
  }

  /** Connected (again): every terminal shown is asked for anew, on whichever channel the backend gives it. */
  #reattach(): void {
    for (const [id, wanted] of this.#terminals) {
      wanted.channel = null;
      this.#connection.send({ type: 'attach', terminal: id, cols: wanted.cols, rows: wanted.rows });
    }
  }

  /** The connection dropped (`code`): no terminal has a channel until it is attached again. */
  #dropped(code: number): void {
    this.#byChannel.clear();
    // The backend tells each attached terminal itself; every other one hears it here, so each hears it once.
    for (const wanted of this.#terminals.values()) {
      if (code === CLOSE_CODES.workspaceEnded && !wanted.toldEnded) wanted.events.detached('workspace-ended');
      wanted.channel = null;
      wanted.toldEnded = false;
    }
  }

  #receive(message: RoutedMessage): void {
    switch (message.type) {
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
