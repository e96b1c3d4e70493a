/**
 * The wire pane as the lab starts it: only its Start / Stop capture button and its badge. Nothing is captured, and
 * the view's code (wire-pane.ts: the diagram, the decoder, the .pcap writer) is not even loaded, until the learner
 * starts a capture; stopping it, leaving the page or losing the connection ends the capture in the backend.
 */
import type { LabSocket } from './lab-socket.ts';
import type { LabStrings } from './lab-strings.ts';
import { PaneDom } from './pane-dom.ts';
import { find, STYLE_HOOKS } from './selectors.ts';
import type { LabViewConfig } from './view-config.ts';
import type { CaptureEvent, WireView } from './wire-pane.ts';

type PaneView = LabViewConfig['panes'][number];
type State = 'off' | 'starting' | 'on' | 'failed';

export class WirePane {
  readonly #dom: PaneDom;
  readonly #view: PaneView;
  readonly #socket: LabSocket;
  readonly #strings: LabStrings;
  readonly #toggle: HTMLButtonElement;
  #wire: WireView | null = null;
  /** Whether the learner wants a capture: it is asked for again after a reconnect. */
  #wanted = false;
  #connected = false;
  #disposed = false;

  constructor(root: HTMLElement, view: PaneView, socket: LabSocket, strings: LabStrings) {
    this.#dom = new PaneDom(root, `wire pane ${view.id}`);
    this.#view = view;
    this.#socket = socket;
    this.#strings = strings;
    this.#toggle = this.#dom.element<HTMLButtonElement>(find('action', 'capture'));
    socket.listenPane(view.id, {
      event: (event) => {
        if (event.kind === 'capture-state') {
          this.#show(event.state, event.detail);
        } else if (event.kind.startsWith('capture-')) {
          this.#note('');
          this.#wire?.event(event as CaptureEvent);
        }
      },
      error: (code, message) => this.#show('failed', `[${code}] ${message}`),
    });
    this.#dom.on(this.#toggle, 'click', () => void (this.#wanted ? this.#stop() : this.#start()));
  }

  setConnected(connected: boolean): void {
    this.#connected = connected;
    this.#toggle.disabled = !connected;
    // The backend ended the capture with the connection; a new one starts from a clean view.
    if (connected && this.#wanted) this.#open();
    else if (!connected && this.#wanted) this.#show('starting', '');
  }

  dispose(): void {
    this.#disposed = true;
    this.#wire?.dispose();
    this.#dom.dispose();
  }

  async #start(): Promise<void> {
    this.#wanted = true;
    this.#show('starting', '');
    if (!this.#wire) {
      const { WireView } = await import('./wire-pane.ts');
      if (this.#disposed) return;
      this.#wire ??= new WireView(this.#dom.root, this.#view, this.#socket, this.#strings);
    }
    this.#dom.element(find('view', 'diagram')).hidden = false;
    if (this.#wanted && this.#connected) this.#open();
  }

  #open(): void {
    this.#wire?.restart();
    this.#socket.sendCapture({ type: 'capture-open', pane: this.#view.id });
  }

  #stop(): void {
    this.#wanted = false;
    this.#socket.sendCapture({ type: 'capture-close', pane: this.#view.id });
    this.#show('off', '');
  }

  #show(state: State, detail: string): void {
    if (state === 'failed') this.#wanted = false;
    const s = this.#strings;
    const badge = this.#dom.element(find('status'));
    const text = { off: 'lab.wireOff', starting: 'lab.wireOn', on: 'lab.wireOn', failed: 'lab.wireFailed' } as const;
    const style = { off: 'idle', starting: 'starting', on: 'running', failed: 'exited' } as const;
    badge.textContent = s[text[state]];
    badge.setAttribute(STYLE_HOOKS.state, style[state]);
    this.#toggle.textContent = this.#wanted ? s['lab.wireStop'] : s['lab.wireStart'];
    this.#toggle.setAttribute('aria-pressed', String(this.#wanted));
    if (state === 'failed') this.#note(detail);
    else if (state === 'on') this.#note(s['lab.wireWaiting']);
    else if (state === 'off') this.#note('');
  }

  #note(text: string): void {
    const note = this.#dom.element(find('note'));
    note.textContent = text;
    note.hidden = text === '';
  }
}
