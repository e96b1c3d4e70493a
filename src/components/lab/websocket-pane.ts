/**
 * The browser WebSocket pane: has the backend open ws://127.0.0.1:<port><path> inside the learner's sandbox, and
 * shows the opening handshake, every message in both directions with its time, and the closing code.
 */
import type { PaneEvent } from '../../../server/src/protocol/messages.ts';
import type { LabSocket } from './lab-socket.ts';
import { base64Bytes, showBytes } from './raw-bytes.ts';
import { PaneDom } from './pane-dom.ts';
import type { LabViewConfig } from './view-config.ts';

type Strings = LabViewConfig['strings'];
type PaneView = LabViewConfig['panes'][number];
type State = 'idle' | 'connecting' | 'open';

const utf8 = new TextDecoder();

function clock(at: number): string {
  const time = new Date(at);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

export class WebSocketPane {
  readonly #dom: PaneDom;
  readonly #view: PaneView;
  readonly #socket: LabSocket;
  readonly #strings: Strings;
  #state: State = 'idle';
  #connected = false;

  constructor(root: HTMLElement, view: PaneView, socket: LabSocket, strings: Strings) {
    this.#dom = new PaneDom(root, `websocket pane ${view.id}`);
    this.#view = view;
    this.#socket = socket;
    this.#strings = strings;
    socket.listenPane(view.id, {
      event: (event) => this.#onEvent(event),
      error: (code, message) => this.#log('close', Date.now(), `[${code}] ${message}`),
    });
    this.#dom.on('[data-url]', 'submit', (event) => {
      event.preventDefault();
      this.#connect();
    });
    this.#dom.on('[data-action="disconnect"]', 'click', () => socket.wsDisconnect(view.id));
    this.#dom.on('[data-send]', 'submit', (event) => {
      event.preventDefault();
      const input = this.#dom.element<HTMLInputElement>('[name="message"]');
      if (this.#state !== 'open' || input.value === '') return;
      socket.wsSend(view.id, input.value);
      input.value = '';
    });
  }

  setConnected(connected: boolean): void {
    this.#connected = connected;
    // The backend ends a pane's WebSocket with the connection that opened it.
    if (!connected && this.#state !== 'idle') this.#log('close', Date.now(), this.#strings['lab.reconnecting']);
    if (!connected) this.#setState('idle', this.#strings['lab.wsIdle']);
    this.#update();
  }

  dispose(): void {
    this.#dom.dispose();
  }

  #connect(): void {
    const form = this.#dom.element<HTMLFormElement>('[data-url]');
    if (!this.#connected || !form.reportValidity()) return;
    const port = Number((form.elements.namedItem('port') as HTMLInputElement).value);
    const path = (form.elements.namedItem('path') as HTMLInputElement).value;
    this.#dom.element('[data-log]').replaceChildren();
    this.#dom.element('[data-request]').textContent = '';
    this.#dom.element('[data-response]').textContent = '';
    this.#setState('connecting', `ws://127.0.0.1:${port}${path} …`);
    this.#socket.wsConnect(this.#view.id, port, path);
  }

  #onEvent(event: PaneEvent): void {
    switch (event.kind) {
      case 'ws-handshake':
        this.#dom.element('[data-request]').textContent = showBytes(new TextEncoder().encode(event.request));
        this.#dom.element('[data-response]').textContent = event.response
          ? showBytes(new TextEncoder().encode(`${event.response}\r\n\r\n`))
          : '';
        if (event.accepted) this.#setState('open', this.#strings['lab.wsOpen']);
        else this.#setState('idle', `${this.#strings['lab.wsFailed']}: ${event.problem}`);
        this.#dom.element<HTMLDetailsElement>('[data-handshake]').open = !event.accepted;
        break;
      case 'ws-message': {
        const arrow = event.direction === 'out' ? '→' : '←';
        const bytes = base64Bytes(event.data);
        const text = event.opcode === 'text' ? utf8.decode(bytes) : `[${event.opcode}] ${showBytes(bytes)}`;
        this.#log(event.direction, event.at, `${arrow} ${text}`);
        break;
      }
      case 'ws-closed': {
        const code = event.code === null ? '' : ` ${event.code}`;
        const line = `${this.#strings['lab.wsClosed']}${code}${event.reason ? ` “${event.reason}”` : ''} (${event.by})`;
        this.#log('close', event.at, line);
        if (this.#state !== 'idle') this.#setState('idle', line);
        break;
      }
      default:
        break;
    }
  }

  #log(direction: string, at: number, text: string): void {
    const item = document.createElement('li');
    item.dataset['dir'] = direction;
    const time = document.createElement('time');
    time.textContent = clock(at);
    item.append(time, text);
    const log = this.#dom.element('[data-log]');
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  #setState(state: State, note: string): void {
    this.#state = state;
    const badge = this.#dom.element('[data-status]');
    badge.dataset['state'] = state === 'open' ? 'running' : 'idle';
    badge.textContent = state === 'open' ? this.#strings['lab.wsOpen'] : '';
    this.#dom.element('[data-note]').textContent = note;
    this.#update();
  }

  #update(): void {
    const open = this.#state === 'open';
    this.#dom.element<HTMLButtonElement>('[data-action="connect"]').disabled =
      !this.#connected || this.#state !== 'idle';
    this.#dom.element<HTMLButtonElement>('[data-action="disconnect"]').disabled = this.#state === 'idle';
    this.#dom.element<HTMLButtonElement>('[data-action="send"]').disabled = !open;
    this.#dom.element<HTMLInputElement>('[name="message"]').disabled = !open;
  }
}
