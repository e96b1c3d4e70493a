/**
 * A running lab: one LabSocket for the lab's terminals, a pane per terminal, the editor, the connection banner, the
 * panes' arrangement, full screen, and the runnable snippets of the lesson's text.
 * Loaded on demand by lab-element.ts, together with xterm.js.
 */
import xtermCss from '@xterm/xterm/css/xterm.css?url';
import { joinUrl } from '#protocol/join.ts';
import { LAB_PATHS } from '#protocol/messages.ts';
import { fillIn } from '../ui-strings.ts';
import { ChecksList } from './checks-list.ts';
import { EditorPane } from './editor-pane.ts';
import { LabLayout } from './lab-layout.ts';
import { LabSocket, NotJoinedError, type ConnectionState } from './lab-socket.ts';
import type { LabStringKey, LabStrings } from './lab-strings.ts';
import { PreviewPane } from './preview-pane.ts';
import { find, hookValue, STYLE_HOOKS } from './selectors.ts';
import { runSnippet, snippetRequestSchema, type SnippetOutcome } from './snippet-runner.ts';
import { TerminalPane } from './terminal-pane.ts';
import { viewConfigSchema, type LabViewConfig } from './view-config.ts';
import { WebSocketPane } from './websocket-pane.ts';
import { WirePane } from './wire-pane-shell.ts';
import { onThemeChange } from './xterm-theme.ts';
import { parseWithFriendlyErrors, type Parsed } from '#protocol/errors.ts';

/** The script for each kind of browser pane, as Lab.astro has a component for each. */
const BROWSER_PANES = { preview: PreviewPane, websocket: WebSocketPane, wire: WirePane } as const;

/** What the banner says in each state of the connection; nothing once it is open. */
const BANNER: Record<Exclude<ConnectionState, 'open' | 'not-joined'>, LabStringKey> = {
  connecting: 'lab.connecting',
  reconnecting: 'lab.reconnecting',
  outdated: 'lab.outdated',
  closed: 'lab.connecting',
};

/** What a snippet's note says after each outcome. */
const SNIPPET_NOTE: Record<SnippetOutcome, LabStringKey> = {
  typed: 'lab.snippetSent',
  busy: 'lab.snippetBusy',
  'not-ready': 'lab.snippetNotReady',
  exited: 'lab.snippetExited',
};

/** What a snippet's note says, and the outcome for its style ('invalid': the page's markup was not a snippet). */
export interface SnippetNote {
  outcome: SnippetOutcome | 'invalid';
  text: string;
}

/** A started lab: what stops it, and what runs a snippet of the lesson's text in it. */
export interface MountedLab {
  stop(): void;
  runSnippet(request: unknown): Promise<SnippetNote>;
}

/**
 * xterm.js's stylesheet, linked when the first lab starts: imported as a module, the bundler would inline it into
 * every page of the site, lab or not.
 */
function linkXtermStylesheet(): void {
  if (document.querySelector(`link[href="${xtermCss}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = xtermCss;
  document.head.append(link);
}

function showBanner(banner: HTMLElement, state: ConnectionState, strings: LabStrings): void {
  banner.setAttribute(STYLE_HOOKS.state, state);
  if (state === 'not-joined') {
    // The lab has a passcode and this browser has not joined (or the class forgot it): say so, with the way in.
    const link = document.createElement('a');
    link.href = joinUrl(location.pathname + location.search);
    link.textContent = strings['lab.joinLink'];
    banner.replaceChildren(`${strings['lab.notJoined']} `, link);
  } else {
    banner.textContent = state === 'open' ? '' : strings[BANNER[state]];
  }
}

/** Starts the lab in `host` (a <socket-lab> element). */
export function mountLab(host: HTMLElement): MountedLab {
  linkXtermStylesheet();
  const banner = host.querySelector<HTMLElement>(find('banner'));
  let parsed: Parsed<LabViewConfig>;
  try {
    parsed = parseWithFriendlyErrors(viewConfigSchema, JSON.parse(hookValue(host, 'config') ?? ''));
  } catch (error) {
    parsed = { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  if (!parsed.ok) {
    if (banner) banner.textContent = `This lab is misconfigured: ${parsed.error}`;
    throw new Error(`lab config: ${parsed.error}`);
  }
  const config = parsed.data;
  const strings = config.strings;

  const panes: TerminalPane[] = [];
  const browsers: (PreviewPane | WebSocketPane | WirePane)[] = [];
  let editor: EditorPane | null = null;
  const showState = (state: ConnectionState) => {
    if (banner) showBanner(banner, state, strings);
    for (const pane of panes) pane.setConnected(state === 'open');
    for (const browser of browsers) browser.setConnected(state === 'open');
    editor?.setConnected(state === 'open');
  };

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new LabSocket({
    url: `${scheme}//${location.host}${LAB_PATHS.socket}?lab=${encodeURIComponent(config.lab)}`,
    open: (url) => new WebSocket(url),
    prepare: async () => {
      const response = await fetch(LAB_PATHS.session, { method: 'POST', credentials: 'same-origin' });
      if (response.status === 401) throw new NotJoinedError();
      if (!response.ok) throw new Error(`${LAB_PATHS.session}: HTTP ${response.status}`);
    },
    onState: showState,
    onError: (code, message) => {
      if (banner) banner.textContent = `[${code}] ${message}`;
    },
  });

  for (const view of config.terminals) {
    const root = host.querySelector<HTMLElement>(find('terminal', view.id));
    if (root) panes.push(new TerminalPane(root, view, socket, strings));
  }
  for (const view of config.panes) {
    const root = host.querySelector<HTMLElement>(find('pane', view.id));
    if (root) browsers.push(new BROWSER_PANES[view.kind](root, view, socket, strings));
  }

  const checksRoot = host.querySelector<HTMLElement>(find('checks'));
  const checks = checksRoot ? new ChecksList(checksRoot, socket, strings) : null;

  const editorRoot = host.querySelector<HTMLElement>(find('editor'));
  if (editorRoot) editor = new EditorPane(editorRoot, socket, strings, config.lab);

  const layout = new LabLayout(host);

  const runSnippetIn = async (request: unknown): Promise<SnippetNote> => {
    const asked = parseWithFriendlyErrors(snippetRequestSchema, request);
    if (!asked.ok) return { outcome: 'invalid', text: `This snippet is misconfigured: ${asked.error}` };
    const pane = panes.find((p) => p.id === asked.data.terminal);
    if (!pane) return { outcome: 'invalid', text: `This snippet is misconfigured: no terminal ${asked.data.terminal}` };
    layout.reveal(pane.root);
    const outcome = await runSnippet(pane, asked.data.command, asked.data.kind === 'interrupt');
    return { outcome, text: fillIn(strings[SNIPPET_NOTE[outcome]], { title: pane.title }) };
  };

  const stopThemeWatch = onThemeChange(() => {
    for (const pane of panes) pane.setTheme();
    editor?.setTheme();
  });
  const fullscreen = host.querySelector<HTMLButtonElement>(find('fullscreen'));
  const toggleFullscreen = () => {
    if (document.fullscreenElement === host) void document.exitFullscreen();
    else void host.requestFullscreen();
  };
  fullscreen?.addEventListener('click', toggleFullscreen);
  const reset = host.querySelector<HTMLButtonElement>(find('resetFiles'));
  const resetFiles = () => {
    if (window.confirm(strings['lab.resetConfirm'])) socket.resetFiles();
  };
  reset?.addEventListener('click', resetFiles);

  const stop = () => {
    layout.dispose();
    reset?.removeEventListener('click', resetFiles);
    fullscreen?.removeEventListener('click', toggleFullscreen);
    stopThemeWatch();
    socket.close();
    for (const pane of panes) pane.dispose();
    for (const browser of browsers) browser.dispose();
    editor?.dispose();
    checks?.dispose();
  };
  return { stop, runSnippet: runSnippetIn };
}
