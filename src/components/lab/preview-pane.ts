/**
 * The page preview pane: asks the backend to GET http://127.0.0.1:<port><path> inside the learner's sandbox and
 * shows what came back as a browser would render it and byte for byte, with a running clock while the response
 * is not finished, and why.
 */
import { headerValues } from '../../../server/src/protocol/headers.ts';
import type { PaneEvent } from '../../../server/src/protocol/messages.ts';
import type { LabSocket } from './lab-socket.ts';
import { base64Bytes, concatBytes, showBytes } from './raw-bytes.ts';
import { PaneDom } from './pane-dom.ts';
import type { LabViewConfig } from './view-config.ts';

type Strings = LabViewConfig['strings'];
type PaneView = LabViewConfig['panes'][number];
type Framing = Extract<PaneEvent, { kind: 'http-head' }>['framing'];

/** How often the page view is redrawn while a slow body trickles in. */
const REDRAW_MS = 300;

export class PreviewPane {
  readonly #dom: PaneDom;
  readonly #view: PaneView;
  readonly #socket: LabSocket;
  readonly #strings: Strings;
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

  constructor(root: HTMLElement, view: PaneView, socket: LabSocket, strings: Strings) {
    this.#dom = new PaneDom(root, `preview pane ${view.id}`);
    this.#view = view;
    this.#socket = socket;
    this.#strings = strings;
    socket.listenPane(view.id, {
      event: (event) => this.#onEvent(event),
      error: (code, message) => this.#finish(`[${code}] ${message}`),
    });
    this.#dom.on('[data-url]', 'submit', (event) => {
      event.preventDefault();
      this.#load();
    });
    this.#dom.on('[data-action="cancel"]', 'click', () => socket.httpCancel(view.id));
    for (const tab of this.#dom.root.querySelectorAll<HTMLButtonElement>('[data-tab]')) {
      this.#dom.on(tab, 'click', () => this.#selectTab(tab.dataset['tab'] ?? 'page'));
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
    const form = this.#dom.element<HTMLFormElement>('[data-url]');
    if (!this.#connected || !form.reportValidity()) return;
    const port = Number((form.elements.namedItem('port') as HTMLInputElement).value);
    const path = (form.elements.namedItem('path') as HTMLInputElement).value;
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
    this.#socket.httpGet(this.#view.id, port, path);
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
    const waiting = this.#strings['lab.waiting'].replace('{seconds}', seconds);
    const framing = this.#framing ? ` · ${this.#statusLine} · ${this.#strings[`lab.framing.${this.#framing}`]}` : '';
    this.#dom.element('[data-note]').textContent = `${waiting}${framing}`;
  }

  #finish(note: string): void {
    this.#stopClock();
    this.#dom.element('[data-note]').textContent = note;
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
    this.#dom.element('[data-view="raw"]').textContent = `${sent}${showBytes(concatBytes(this.#raw))}`;
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
    this.#dom.element<HTMLIFrameElement>('[data-view="page"]').src = this.#pageUrl;
  }

  #selectTab(tab: string): void {
    for (const button of this.#dom.root.querySelectorAll<HTMLElement>('[data-tab]')) {
      button.setAttribute('aria-selected', String(button.dataset['tab'] === tab));
    }
    for (const view of this.#dom.root.querySelectorAll<HTMLElement>('[data-view]')) {
      view.hidden = view.dataset['view'] !== tab;
    }
  }

  #setStatus(state: string, text: string): void {
    const badge = this.#dom.element('[data-status]');
    badge.dataset['state'] = state;
    badge.textContent = text;
  }

  #button(action: string): HTMLButtonElement {
    return this.#dom.element<HTMLButtonElement>(`[data-action="${action}"]`);
  }
}
