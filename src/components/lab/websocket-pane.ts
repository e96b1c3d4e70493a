/**
 * The browser WebSocket pane: has the backend open ws://127.0.0.1:<port><path> inside the learner's sandbox, and
 * shows the opening handshake, every message in both directions with its time, and the closing code.
 */
import { WIRE } from '#protocol/limits.ts';
import type { PaneEvent } from '#protocol/messages.ts';
import { fillIn } from '../ui-strings.ts';
import { AddressForm, checkAsTyped } from './browser-pane.ts';
import type { LabSocket } from './lab-socket.ts';
import type { LabStrings } from './lab-strings.ts';
import { PaneDom } from './pane-dom.ts';
import { base64Bytes, showBytes } from './raw-bytes.ts';
import { FIELDS, find, STYLE_HOOKS } from './selectors.ts';
import type { LabViewConfig } from './view-config.ts';
import { wsSendOverflow } from './wire-limits.ts';

type PaneView = LabViewConfig['panes'][number];
type State = 'idle' | 'connecting' | 'open';

const utf8 = new TextDecoder();

/** A count of bytes or characters as the page's language groups digits. */
function count(n: number): string {
  return n.toLocaleString(document.documentElement.lang || undefined);
}

function clock(at: number): string {
  const time = new Date(at);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

export class WebSocketPane {
  readonly #dom: PaneDom;
  readonly #view: PaneView;
  readonly #socket: LabSocket;
  readonly #strings: LabStrings;
  readonly #address: AddressForm;
  readonly #checkMessage: () => void;
  #state: State = 'idle';
  #connected = false;

  constructor(root: HTMLElement, view: PaneView, socket: LabSocket, strings: LabStrings) {
    this.#dom = new PaneDom(root, `websocket pane ${view.id}`);
    this.#view = view;
    this.#socket = socket;
    this.#strings = strings;
    socket.listenPane(view.id, {
      event: (event) => this.#onEvent(event),
      error: (code, message) => this.#log('close', Date.now(), `[${code}] ${message}`),
    });
    this.#address = new AddressForm(this.#dom, strings, () => this.#connect());
    this.#dom.on(find('action', 'disconnect'), 'click', () => socket.wsDisconnect(view.id));
    this.#checkMessage = checkAsTyped(this.#dom, this.#message(), () => this.#showMessageLimits());
    this.#dom.on(find('send'), 'submit', (event) => {
      event.preventDefault();
      const input = this.#message();
      if (this.#state !== 'open' || input.value === '') return;
      socket.wsSend(view.id, input.value);
      input.value = '';
      this.#checkMessage();
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
    if (!this.#connected) return;
    const address = this.#address.read();
    this.#dom.element(find('log')).replaceChildren();
    this.#dom.element(find('request')).textContent = '';
    this.#dom.element(find('response')).textContent = '';
    this.#setState('connecting', `ws://127.0.0.1:${address.port}${address.path} …`);
    this.#socket.wsConnect(this.#view.id, address.port, address.path);
  }

  #onEvent(event: PaneEvent): void {
    switch (event.kind) {
      case 'ws-handshake':
        this.#dom.element(find('request')).textContent = showBytes(new TextEncoder().encode(event.request));
        this.#dom.element(find('response')).textContent = event.response
          ? showBytes(new TextEncoder().encode(`${event.response}\r\n\r\n`))
          : '';
        if (event.accepted) this.#setState('open', this.#strings['lab.wsOpen']);
        else this.#setState('idle', `${this.#strings['lab.wsFailed']}: ${event.problem}`);
        this.#dom.element<HTMLDetailsElement>(find('handshake')).open = !event.accepted;
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
    item.setAttribute(STYLE_HOOKS.direction, direction);
    const time = document.createElement('time');
    time.textContent = clock(at);
    item.append(time, text);
    const log = this.#dom.element(find('log'));
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  #setState(state: State, note: string): void {
    this.#state = state;
    const badge = this.#dom.element(find('status'));
    badge.setAttribute(STYLE_HOOKS.state, state === 'open' ? 'running' : 'idle');
    badge.textContent = state === 'open' ? this.#strings['lab.wsOpen'] : '';
    this.#dom.element(find('note')).textContent = note;
    this.#update();
  }

  #update(): void {
    const open = this.#state === 'open';
    this.#dom.element<HTMLButtonElement>(find('action', 'connect')).disabled =
      !this.#connected || this.#state !== 'idle';
    this.#dom.element<HTMLButtonElement>(find('action', 'disconnect')).disabled = this.#state === 'idle';
    this.#dom.element<HTMLButtonElement>(find('action', 'send')).disabled = !open;
    this.#message().disabled = !open;
  }

  /**
   * Says on the pane which limit the message in the box meets, and returns the one that stops it being sent: more
   * bytes than one message to the backend may have (sent, it would close the whole lab connection). A full box (it
   * takes no more characters) is only noted.
   */
  #showMessageLimits(): string {
    const text = this.#message().value;
    const limit = this.#socket.maxPayload;
    const overflow = limit === null ? null : wsSendOverflow(this.#view.id, text, limit);
    const problem = overflow
      ? fillIn(this.#strings['lab.messageTooBig'], { bytes: count(overflow.bytes), max: count(overflow.max) })
      : '';
    const full =
      text.length >= WIRE.wsSendChars ? fillIn(this.#strings['lab.messageFull'], { max: count(WIRE.wsSendChars) }) : '';
    const line = this.#dom.element(find('sendProblem'));
    line.textContent = problem || full;
    line.hidden = line.textContent === '';
    return problem;
  }

  #message(): HTMLInputElement {
    return this.#dom.field(find('send'), FIELDS.message);
  }
}
