/**
 * One terminal pane: an xterm.js terminal wired to the lab socket, its Run / Stop / Restart buttons, command and
 * encoding menus, and status badge. Output is acknowledged only after xterm.js has parsed it, which is what lets
 * the backend hold a flooding program back (the xterm.js flow-control guide).
 */
import { FitAddon } from '@xterm/addon-fit';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import { encodingSchema, type TerminalStatus } from '#protocol/messages.ts';
import { fillIn } from '../ui-strings.ts';
import { AckBatcher } from './ack-batcher.ts';
import type { LabSocket, TerminalEvents } from './lab-socket.ts';
import type { LabStrings } from './lab-strings.ts';
import { PaneDom } from './pane-dom.ts';
import { find, STYLE_HOOKS } from './selectors.ts';
import type { SnippetTarget } from './snippet-runner.ts';
import type { LabViewConfig } from './view-config.ts';
import { currentTheme } from './xterm-theme.ts';

type TerminalView = LabViewConfig['terminals'][number];

export class TerminalPane implements SnippetTarget {
  readonly id: string;
  readonly title: string;
  readonly #dom: PaneDom;
  readonly #socket: LabSocket;
  readonly #strings: LabStrings;
  readonly #commandCount: number;
  readonly #term: Terminal;
  readonly #fit = new FitAddon();
  readonly #resizeObserver: ResizeObserver;
  readonly #events: TerminalEvents;
  readonly #acks: AckBatcher;
  readonly #statusListeners = new Set<(status: TerminalStatus) => void>();
  #status: TerminalStatus | null = null;

  constructor(root: HTMLElement, view: TerminalView, socket: LabSocket, strings: LabStrings) {
    const id = view.id;
    this.id = id;
    this.title = view.title;
    this.#dom = new PaneDom(root, `terminal pane ${view.id}`);
    this.#socket = socket;
    this.#acks = new AckBatcher((bytes) => socket.ack(id, bytes));
    this.#strings = strings;
    this.#commandCount = view.commands.length;
    this.#term = new Terminal({
      allowProposedApi: true,
      cursorBlink: true,
      // A CJK monospace font first where there is one: its Chinese glyphs are exactly two of its Latin cells wide.
      fontFamily:
        '"Noto Sans Mono CJK SC", "Sarasa Mono SC", ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: currentTheme(root),
    });
    this.#term.loadAddon(this.#fit);
    this.#term.loadAddon(new Unicode11Addon());
    // Chinese and emoji are two cells wide in Unicode 11's tables, as the programs in the sandbox count them.
    this.#term.unicode.activeVersion = '11';
    this.#term.loadAddon(new WebLinksAddon());
    this.#term.open(this.#dom.element(find('screen')));
    this.#fit.fit();

    const input = this.#term.onData((data) => socket.input(id, data));
    const resize = this.#term.onResize(({ cols, rows }) => socket.resize(id, cols, rows));
    this.#dom.onDispose(() => input.dispose());
    this.#dom.onDispose(() => resize.dispose());
    // Fit whenever the pane changes size (window, arrangement, full screen); xterm.js reports the new grid. A pane
    // hidden behind another tab has no size: it keeps the one it had, so its programs are not told of a 0-column
    // terminal, and refits when shown again.
    this.#resizeObserver = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.width > 0 && entry.contentRect.height > 0) this.#fit.fit();
    });
    this.#resizeObserver.observe(this.#dom.element(find('screen')));

    this.#events = {
      attached: ({ encoding, status, exitCode }) => {
        this.#term.reset();
        this.#acks.reset();
        this.#dom.element<HTMLSelectElement>(find('encoding')).value = encoding;
        this.#dom.element(find('overlay')).hidden = true;
        this.#showStatus(status, exitCode);
      },
      output: (bytes) => {
        this.#term.write(bytes, () => this.#acks.drawn(bytes.length));
      },
      statusChanged: (status, exitCode) => this.#showStatus(status, exitCode),
      detached: (reason) => {
        this.#status = null;
        if (reason === 'replaced') this.#dom.element(find('overlay')).hidden = false;
        this.#setEnabled(false);
      },
      error: (code, message) => {
        this.#term.write(`\r\n\x1b[33m[${code}] ${message}\x1b[0m\r\n`);
      },
    };
    this.#dom.on(find('action', 'run'), 'click', () => {
      socket.run(id, this.#selectedCommand());
      this.#term.focus();
    });
    this.#dom.on(find('action', 'stop'), 'click', () => {
      socket.signal(id, 'SIGINT');
      this.#term.focus();
    });
    // Restart is "run it again from scratch": a fresh shell, then the selected command (say, after editing it).
    this.#dom.on(find('action', 'restart'), 'click', () => {
      socket.restart(id, this.#commandCount > 0 ? this.#selectedCommand() : undefined);
      this.#term.focus();
    });
    this.#dom.on(find('action', 'take-over'), 'click', () => this.attach());
    this.#dom.on(find('encoding'), 'change', (event) => {
      const encoding = encodingSchema.safeParse((event.target as HTMLSelectElement).value);
      if (encoding.success) socket.setEncoding(id, encoding.data);
    });
    this.attach();
  }

  get root(): HTMLElement {
    return this.#dom.root;
  }

  get status(): TerminalStatus | null {
    return this.#status;
  }

  onStatus(listener: (status: TerminalStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  type(text: string): void {
    this.#socket.input(this.id, text);
  }

  interrupt(): void {
    this.#socket.signal(this.id, 'SIGINT');
  }

  attach(): void {
    this.#socket.attach(this.id, this.#events, this.#term.cols, this.#term.rows);
  }

  /** Called when the connection drops: nothing can be sent until it is back. */
  setConnected(connected: boolean): void {
    if (connected) return;
    // Until attached again, nothing typed would arrive: a snippet waits for the status the attach brings.
    this.#status = null;
    this.#setEnabled(false);
  }

  setTheme(): void {
    this.#term.options.theme = currentTheme(this.#dom.root);
  }

  dispose(): void {
    this.#statusListeners.clear();
    this.#resizeObserver.disconnect();
    this.#dom.dispose();
    this.#term.dispose();
  }

  #showStatus(status: TerminalStatus, exitCode: number | null): void {
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
    const badge = this.#dom.element(find('status'));
    badge.setAttribute(STYLE_HOOKS.state, status);
    const label = this.#strings[`lab.${status}`];
    // A failed command's status stays on the badge; success needs no mention.
    badge.textContent = exitCode && status !== 'running' ? `${label} · ${exitCode}` : label;
    this.#dom.element<HTMLButtonElement>(find('action', 'run')).disabled =
      status !== 'idle' || this.#commandCount === 0;
    this.#dom.element<HTMLButtonElement>(find('action', 'stop')).disabled = status !== 'running';
    this.#dom.element<HTMLButtonElement>(find('action', 'restart')).disabled = false;
    this.#dom.element<HTMLSelectElement>(find('encoding')).disabled = false;
    if (status === 'exited') {
      const text = fillIn(this.#strings['lab.shellExited'], { code: exitCode ?? '?' });
      this.#term.write(`\r\n\x1b[2m${text}\x1b[0m\r\n`);
    }
  }

  #setEnabled(enabled: boolean): void {
    for (const control of this.#dom.root.querySelectorAll<HTMLButtonElement | HTMLSelectElement>(
      [find('action', 'run'), find('action', 'stop'), find('action', 'restart'), find('encoding')].join(', '),
    )) {
      control.disabled = !enabled;
    }
  }

  #selectedCommand(): number {
    const menu = this.#dom.root.querySelector<HTMLSelectElement>(find('command'));
    return menu ? Number(menu.value) : 0;
  }
}
