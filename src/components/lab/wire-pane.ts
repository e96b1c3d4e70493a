/**
 * The wire view, loaded when the learner first starts a capture (wire-pane-shell.ts): the workspace's loopback drawn
 * as a sequence diagram, a lifeline per endpoint and an arrow per segment, newest at the bottom; a segment clicked
 * is taken apart below. Keeps the newest CAPTURE.pageSegments segments, which the filters, pause and clear act on and
 * "Download .pcap" writes out. Every batch is acknowledged once it is taken, which lets the backend send more.
 */
import type { CaptureSegment } from '#protocol/capture.ts';
import { CAPTURE } from '#protocol/limits.ts';
import type { PaneEvent } from '#protocol/messages.ts';
import { pcapFile } from '#protocol/pcap.ts';
import { fillIn } from '../ui-strings.ts';
import type { LabSocket } from './lab-socket.ts';
import type { LabStrings } from './lab-strings.ts';
import { PaneDom } from './pane-dom.ts';
import { find, STYLE_HOOKS } from './selectors.ts';
import type { LabViewConfig } from './view-config.ts';
import { showDetail } from './wire-detail.ts';
import { Lifelines, type Endpoint } from './wire-lifelines.ts';
import { base64ToBytes, payloadPreview, segmentLabel, shown, type WireFilter } from './wire-text.ts';

type PaneView = LabViewConfig['panes'][number];
type Item = { kind: 'segment'; segment: CaptureSegment } | { kind: 'skipped'; count: number };
export type CaptureEvent = Extract<PaneEvent, { kind: `capture-${string}` }>;

export class WireView {
  readonly #dom: PaneDom;
  readonly #view: PaneView;
  readonly #socket: LabSocket;
  readonly #strings: LabStrings;
  readonly #lifelines: Lifelines;
  readonly #rows: HTMLOListElement;
  readonly #heads: HTMLElement;
  readonly #detail: HTMLElement;
  readonly #elements = new WeakMap<Item, HTMLElement>();
  #items: Item[] = [];
  #linkType = 1;
  #snapLength: number = CAPTURE.snapLength;
  #filter: WireFilter = { port: null, hideAcks: false };
  #decoder = new TextDecoder('utf-8');
  #paused = false;
  #unseen = 0;
  #selected: CaptureSegment | null = null;
  /** When the first segment kept was captured: rows show their time from it. */
  #firstUs: number | null = null;

  constructor(root: HTMLElement, view: PaneView, socket: LabSocket, strings: LabStrings) {
    this.#dom = new PaneDom(root, `wire pane ${view.id}`);
    this.#view = view;
    this.#socket = socket;
    this.#strings = strings;
    this.#lifelines = new Lifelines(view.port);
    this.#rows = this.#dom.element<HTMLOListElement>('.wire-rows');
    this.#heads = this.#dom.element('.wire-heads');
    this.#detail = this.#dom.element(find('view', 'detail'));
    const dom = this.#dom;
    dom.on(find('action', 'pause'), 'click', () => this.#togglePause());
    dom.on(find('action', 'clear'), 'click', () => this.#clear());
    dom.on(find('action', 'download'), 'click', () => this.#download());
    dom.on(find('action', 'close-detail'), 'click', () => this.#select(null));
    dom.on('input[name="wire-port"]', 'input', (event) => {
      const value = (event.target as HTMLInputElement).value.trim();
      const port = /^\d{1,5}$/.test(value) ? Number(value) : null;
      this.#filter = { ...this.#filter, port: port !== null && port >= 1 && port <= 65535 ? port : null };
      this.#render();
    });
    dom.on('input[name="wire-acks"]', 'change', (event) => {
      this.#filter = { ...this.#filter, hideAcks: (event.target as HTMLInputElement).checked };
      this.#render();
    });
    dom.on('select[name="wire-encoding"]', 'change', (event) => {
      this.#decoder = new TextDecoder((event.target as HTMLSelectElement).value);
      this.#render();
      if (this.#selected) this.#select(this.#selected);
    });
    this.#rows.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('[data-n]');
      const n = Number(row?.dataset['n']);
      const item = this.#items.find((i) => i.kind === 'segment' && i.segment.n === n);
      if (item?.kind === 'segment') this.#select(item.segment);
    });
  }

  event(event: CaptureEvent): void {
    switch (event.kind) {
      case 'capture-segments': {
        this.#linkType = event.linkType;
        this.#snapLength = event.snapLength;
        this.#socket.sendCapture({ type: 'capture-ack', pane: this.#view.id, segments: event.segments.length });
        let changed = false;
        for (const segment of event.segments) changed = this.#lifelines.place(segment).changed || changed;
        const items = event.segments.map((segment): Item => ({ kind: 'segment', segment }));
        this.#add(items, changed);
        break;
      }
      case 'capture-skipped':
        this.#add([{ kind: 'skipped', count: event.count }], false);
        break;
      case 'capture-state':
        break;
    }
  }

  /** A new capture starts (after a stop, or a reconnect): numbering starts again. */
  restart(): void {
    this.#clear();
  }

  dispose(): void {
    this.#dom.dispose();
  }

  #add(items: Item[], relayout: boolean): void {
    this.#items.push(...items);
    const over = this.#items.length - CAPTURE.pageSegments;
    if (over > 0) for (const dropped of this.#items.splice(0, over)) this.#elements.get(dropped)?.remove();
    const first = this.#items.find((i) => i.kind === 'segment');
    this.#firstUs = first?.kind === 'segment' ? first.segment.timeUs : null;
    this.#dom.element(find('action', 'download')).toggleAttribute('disabled', this.#items.length === 0);
    if (this.#paused) {
      this.#unseen += items.length;
      this.#showPause();
      return;
    }
    if (relayout) {
      this.#render();
      return;
    }
    const stick = this.#atBottom();
    for (const item of items) this.#append(item);
    if (stick) this.#scrollDown();
  }

  /** Draws everything again: the lifelines changed, or what is shown. */
  #render(): void {
    const endpoints = this.#lifelines.endpoints;
    this.#dom.root.style.setProperty('--wire-cols', String(Math.max(1, endpoints.length)));
    this.#heads.replaceChildren(...endpoints.map((endpoint) => this.#head(endpoint)));
    this.#rows.replaceChildren();
    for (const item of this.#items) this.#append(item);
    this.#scrollDown();
  }

  #head(endpoint: Endpoint): HTMLElement {
    const head = document.createElement('div');
    head.className = 'wire-head';
    head.style.gridColumn = String(endpoint.column + 2);
    const role = document.createElement('strong');
    role.textContent = this.#roleName(endpoint);
    const address = document.createElement('span');
    address.textContent = endpoint.address;
    head.append(role, address);
    return head;
  }

  #roleName(endpoint: Endpoint): string {
    if (endpoint.role === 'server') return this.#strings['lab.wireServer'];
    if (endpoint.role === 'client') return fillIn(this.#strings['lab.wireClient'], { n: endpoint.client });
    return '\u00a0';
  }

  #append(item: Item): void {
    if (item.kind === 'segment' && !shown(item.segment, this.#filter)) return;
    const row = document.createElement('li');
    row.className = 'wire-row';
    this.#elements.set(item, row);
    if (item.kind === 'skipped') {
      row.classList.add('wire-skipped');
      row.textContent = fillIn(this.#strings['lab.wireSkipped'], { count: item.count });
      this.#rows.append(row);
      return;
    }
    const { segment } = item;
    const { from, to } = this.#lifelines.place(segment);
    for (const endpoint of this.#lifelines.endpoints) {
      const life = document.createElement('span');
      life.className = 'wire-life';
      life.style.gridColumn = String(endpoint.column + 2);
      row.append(life);
    }
    const number = document.createElement('span');
    number.className = 'wire-n';
    number.textContent = `${segment.n}`;
    number.title = `+${((segment.timeUs - (this.#firstUs ?? segment.timeUs)) / 1000).toFixed(3)} ms`;
    const left = Math.min(from.column, to.column);
    const span = Math.abs(from.column - to.column) + 1;
    const arrow = document.createElement('button');
    arrow.type = 'button';
    arrow.className = 'wire-seg';
    arrow.dataset['n'] = String(segment.n);
    arrow.setAttribute(STYLE_HOOKS.direction, from.column <= to.column ? 'right' : 'left');
    if (segment.flags.includes('RST')) arrow.classList.add('wire-rst');
    else if (segment.flags.includes('SYN') || segment.flags.includes('FIN')) arrow.classList.add('wire-ctl');
    if (this.#selected?.n === segment.n) arrow.setAttribute('aria-pressed', 'true');
    arrow.style.gridColumn = `${left + 2} / span ${span}`;
    arrow.style.setProperty('--span', String(span));
    const label = document.createElement('span');
    label.className = 'wire-label';
    label.textContent = segmentLabel(segment);
    const line = document.createElement('span');
    line.className = 'wire-line';
    const data = document.createElement('span');
    data.className = 'wire-data';
    data.textContent = payloadPreview(base64ToBytes(segment.data), this.#linkType, this.#decoder);
    arrow.setAttribute(
      'aria-label',
      `${this.#roleName(from)} ${from.address} → ${this.#roleName(to)} ${to.address}: ${label.textContent} ${data.textContent}`,
    );
    arrow.append(label, line, data);
    row.append(number, arrow);
    this.#rows.append(row);
  }

  #atBottom(): boolean {
    const scroller = this.#rows.parentElement;
    return !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  }

  #scrollDown(): void {
    const scroller = this.#rows.parentElement;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  #togglePause(): void {
    this.#paused = !this.#paused;
    if (!this.#paused) {
      this.#unseen = 0;
      this.#render();
    }
    this.#showPause();
  }

  #showPause(): void {
    const button = this.#dom.element(find('action', 'pause'));
    button.setAttribute('aria-pressed', String(this.#paused));
    button.textContent = this.#paused
      ? fillIn(this.#strings['lab.wireResume'], { count: this.#unseen })
      : this.#strings['lab.wirePause'];
  }

  #clear(): void {
    this.#items = [];
    this.#firstUs = null;
    this.#unseen = 0;
    this.#lifelines.clear();
    this.#select(null);
    this.#dom.element(find('action', 'download')).toggleAttribute('disabled', true);
    this.#showPause();
    this.#render();
  }

  #select(segment: CaptureSegment | null): void {
    this.#selected = segment;
    for (const pressed of this.#rows.querySelectorAll('[aria-pressed="true"]')) pressed.removeAttribute('aria-pressed');
    this.#detail.hidden = segment === null;
    if (!segment) return;
    this.#rows.querySelector(`[data-n="${segment.n}"]`)?.setAttribute('aria-pressed', 'true');
    this.#dom.element('.wire-detail-title').textContent = fillIn(this.#strings['lab.wireDetail'], { n: segment.n });
    showDetail(this.#dom.element('.wire-detail-body'), segment, this.#linkType, this.#decoder, this.#strings);
  }

  #download(): void {
    const records = this.#items.flatMap((item) =>
      item.kind === 'segment'
        ? [
            {
              timeUs: item.segment.timeUs,
              originalLength: item.segment.originalLength,
              data: base64ToBytes(item.segment.data),
            },
          ]
        : [],
    );
    const file = pcapFile(this.#linkType, this.#snapLength, records);
    const url = URL.createObjectURL(
      new Blob([file as Uint8Array<ArrayBuffer>], { type: 'application/vnd.tcpdump.pcap' }),
    );
    const link = document.createElement('a');
    link.href = url;
    link.download = `socket-lab-${new Date().toISOString().replace(/[:.]/g, '-')}.pcap`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
