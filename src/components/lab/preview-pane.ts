/**
 * The page preview pane: asks the backend to GET http://127.0.0.1:<port><path> inside the learner's sandbox and
 * shows what came back as a browser would render it and byte for byte, with a running clock while the response
 * is not finished, and why.
 */
import { headerValues } from '#protocol/headers.ts';
import type { PaneEvent } from '#protocol/messages.ts';
import { fillIn } from '../ui-strings.ts';
import { AddressForm } from './browser-pane.ts';
import type { LabSocket } from './lab-socket.ts';
import type { LabStrings } from './lab-strings.ts';
import { PaneDom } from './pane-dom.ts';
import { base64Bytes, concatBytes, showBytes } from './raw-bytes.ts';
import { find, hookValue, STYLE_HOOKS, type Action } from './selectors.ts';
import type { LabViewConfig } from './view-config.ts';

type PaneView = LabViewConfig['panes'][number];
type Framing = Extract<PaneEvent, { kind: 'http-head' }>['framing'];

/** How often the page view is redrawn while a slow body trickles in. */
const REDRAW_MS = 300;

export class PreviewPane {
  readonly #dom: PaneDom;
  readonly #view: PaneView;
  readonly #socket: LabSocket;
  readonly #strings: LabStrings;
  readonly #address: AddressForm;
  #request = '';
  #raw: Uint8Array[] = [];
  #body: Uint8Array[] = [];
  #contentType = '';
  #statusLine = '';
  #framing: Framing | null = null;
  #started = 0;
  #clock: ReturnType<typeof setInterval> | null = null;
  #redraw: ReturnType<typeof setTimeout> | null = null;
  #pageUrl: string | null = null;
  #connected = false;

  constructor(root: HTMLElement, view: PaneView, socket: LabSocket, strings: LabStrings) {
    this.#dom = new PaneDom(root, `preview pane ${view.id}`);
    this.#view = view;
    this.#socket = socket;
    this.#strings = strings;
    socket.listenPane(view.id, {
      event: (event) => this.#onEvent(event),
      error: (code, message) => this.#finish(`[${code}] ${message}`),
    });
    this.#address = new AddressForm(this.#dom, strings, () => this.#load());
    this.#dom.on(find('action', 'cancel'), 'click', () => socket.httpCancel(view.id));
    for (const tab of this.#dom.root.querySelectorAll<HTMLButtonElement>(find('tab'))) {
      this.#dom.on(tab, 'click', () => this.#selectTab(hookValue(tab, 'tab') ?? 'page'));
    }
  }

  setConnected(connected: boolean): void {
    this.#connected = connected;
    // A dropped connection ends the request on the backend's side too.
    if (!connected && this.#clock) this.#finish(this.#strings['lab.reconnecting']);
    this.#button('load').disabled = !connected || this.#clock !== null;
  }

  dispose(): void {
    this.#stopClock();
    if (this.#pageUrl) URL.revokeObjectURL(this.#pageUrl);
    this.#dom.dispose();
  }

  #load(): void {
    if (!this.#connected) return;
    const address = this.#address.read();
    this.#request = '';
    this.#raw = [];
    this.#body = [];
    this.#contentType = '';
    this.#statusLine = '';
    this.#framing = null;
    this.#started = performance.now();
    this.#button('load').disabled = true;
    this.#button('cancel').disabled = false;
    this.#setStatus('running', '…');
    this.#clock = setInterval(() => this.#showWaiting(), 100);
    this.#showWaiting();
    this.#renderRaw();
    this.#renderPage();
    this.#socket.httpGet(this.#view.id, address.port, address.path);
  }

  #onEvent(event: PaneEvent): void {
    switch (event.kind) {
      case 'http-sent':
        this.#request = event.request;
        this.#renderRaw();
        break;
      case 'http-raw':
        this.#raw.push(base64Bytes(event.data));
        this.#renderRaw();
        break;
      case 'http-head':
        this.#statusLine = event.statusLine;
        this.#framing = event.framing;
        this.#contentType = headerValues(event.headers, 'content-type')[0] ?? '';
        this.#setStatus('running', event.statusLine);
        break;
      case 'http-body':
        this.#body.push(base64Bytes(event.data));
        this.#redraw ??= setTimeout(() => {
          this.#redraw = null;
          this.#renderPage();
        }, REDRAW_MS);
        break;
      case 'http-end': {
        const seconds = (event.elapsedMs / 1000).toFixed(1);
        const outcome = this.#strings[`lab.outcome.${event.outcome}`];
        this.#finish(`${outcome} (${event.detail}) · ${seconds} s`);
        this.#setStatus(event.outcome === 'complete' || event.outcome === 'closed' ? 'idle' : 'exited', outcome);
        this.#renderPage();
        break;
      }
      default:
        break;
    }
  }

  #showWaiting(): void {
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    const waiting = fillIn(this.#strings['lab.waiting'], { seconds });
    const framing = this.#framing ? ` · ${this.#statusLine} · ${this.#strings[`lab.framing.${this.#framing}`]}` : '';
    this.#dom.element(find('note')).textContent = `${waiting}${framing}`;
  }

  #finish(note: string): void {
    this.#stopClock();
    this.#dom.element(find('note')).textContent = note;
    this.#button('load').disabled = !this.#connected;
    this.#button('cancel').disabled = true;
  }

  #stopClock(): void {
    if (this.#clock) clearInterval(this.#clock);
    this.#clock = null;
    if (this.#redraw) clearTimeout(this.#redraw);
    this.#redraw = null;
  }

  #renderRaw(): void {
    const sent = this.#request ? `${showBytes(new TextEncoder().encode(this.#request))}\n` : '';
    this.#dom.element(find('view', 'raw')).textContent = `${sent}${showBytes(concatBytes(this.#raw))}`;
  }

  /**
   * The body, served to the frame with the response's own Content-Type: the browser then decodes it as it would
   * have (a missing charset is guessed, which is how mojibake happens). The frame is sandboxed without
   * allow-same-origin, so the learner's page runs with an opaque origin, apart from the lab.
   */
  #renderPage(): void {
    if (this.#pageUrl) URL.revokeObjectURL(this.#pageUrl);
    const blob = new Blob([concatBytes(this.#body)], { type: this.#contentType || 'text/html' });
    this.#pageUrl = URL.createObjectURL(blob);
    this.#dom.element<HTMLIFrameElement>(find('view', 'page')).src = this.#pageUrl;
  }

  #selectTab(tab: string): void {
    for (const button of this.#dom.root.querySelectorAll<HTMLElement>(find('tab'))) {
      button.setAttribute('aria-selected', String(hookValue(button, 'tab') === tab));
    }
    for (const view of this.#dom.root.querySelectorAll<HTMLElement>(find('view'))) {
      view.hidden = hookValue(view, 'view') !== tab;
    }
  }

  #setStatus(state: string, text: string): void {
    const badge = this.#dom.element(find('status'));
    badge.setAttribute(STYLE_HOOKS.state, state);
    badge.textContent = text;
  }

  #button(action: Action): HTMLButtonElement {
    return this.#dom.element<HTMLButtonElement>(find('action', action));
  }
}
