/**
 * The contract between the lab's markup and its scripts, written once: the data-* attribute on each element a script
 * needs, and the names of the form fields it reads. The .astro components put the hooks on (`<p {...mark('banner')}>`)
 * and the .ts files find them (`find('banner')`), so renaming one renames both.
 */
import type { Arrangement } from './layout-state.ts';

const HOOKS = {
  /** <socket-lab>: its view config (view-config.ts) as JSON. */
  config: 'data-config',
  banner: 'data-banner',
  resetFiles: 'data-reset-files',
  fullscreen: 'data-fullscreen',
  /** A terminal pane, by terminal id. */
  terminal: 'data-terminal',
  /** A browser pane, by pane id. */
  pane: 'data-pane',
  status: 'data-status',
  /** A button, by what it does. */
  action: 'data-action',
  encoding: 'data-encoding',
  command: 'data-command',
  screen: 'data-screen',
  overlay: 'data-overlay',
  /** A browser pane's address form: port and path. */
  url: 'data-url',
  note: 'data-note',
  /** The preview's tabs, and the views they show, by view name. */
  tab: 'data-tab',
  view: 'data-view',
  handshake: 'data-handshake',
  request: 'data-request',
  response: 'data-response',
  log: 'data-log',
  /** The WebSocket pane's message form, and the line saying why a message cannot go (or can be no longer). */
  send: 'data-send',
  sendProblem: 'data-send-problem',
  /** The editor pane, its file menu, the box CodeMirror draws into, and the notice above it. */
  editor: 'data-editor',
  fileMenu: 'data-file-menu',
  editorHost: 'data-editor-host',
  notice: 'data-notice',
  /** The box of every pane, each pane's frame in it (Pane.astro), the tabs and the arrangement buttons above it. */
  panes: 'data-panes',
  frame: 'data-lab-pane',
  tabs: 'data-tabs',
  arrangements: 'data-arrangements',
  arrange: 'data-arrange',
  /** A runnable snippet in the lesson's text, by the terminal it runs in; its button, its command and its message. */
  snippet: 'data-snippet',
  snippetRun: 'data-snippet-run',
  snippetCommand: 'data-snippet-command',
  snippetNote: 'data-snippet-note',
  /** The checks list, one check by id, its box, and the line that counts them. */
  checks: 'data-checks',
  check: 'data-check',
  checkBox: 'data-check-box',
  checksCount: 'data-checks-count',
  /** Read out by screen readers when a check passes. */
  checksNews: 'data-checks-news',
} as const;

/**
 * Attributes the scripts set for the components' CSS to style by. The stylesheets spell them out themselves (CSS
 * cannot import): the status badges and the banner in Pane.astro and Lab.astro, the log entries in
 * WebSocketPane.astro.
 */
export const STYLE_HOOKS = {
  state: 'data-state',
  direction: 'data-dir',
  /** On <socket-lab>: how its panes are arranged (layout-state.ts); on a pane's frame: shown in it. */
  arrangement: 'data-arrangement',
  shown: 'data-shown',
} as const;

export type Action =
  | 'run'
  | 'stop'
  | 'restart'
  | 'take-over'
  | 'load'
  | 'cancel'
  | 'connect'
  | 'disconnect'
  | 'send'
  | 'hint'
  | EditorAction
  | WireAction;
/** The editor's buttons: its bar's, and its notice's answers. */
export type EditorAction =
  'save' | 'compare' | 'reset-file' | 'load-theirs' | 'keep-mine' | 'save-again' | 'close-file';
/** The wire pane's buttons. */
export type WireAction = 'capture' | 'pause' | 'clear' | 'download' | 'close-detail';
export type PreviewView = 'page' | 'raw';
/** The wire pane's parts: the diagram and the detail of a segment. */
export type WireView = 'diagram' | 'detail';
/** A snippet's button: it types the command, or interrupts what runs first. */
export type SnippetKind = 'type' | 'interrupt';

/** The hooks that carry a value, and what it is. */
interface Valued {
  config: string;
  check: string;
  terminal: string;
  pane: string;
  action: Action;
  tab: PreviewView;
  view: PreviewView | WireView;
  arrange: Arrangement;
  snippet: string;
  snippetRun: SnippetKind;
  snippetCommand: string;
}
type Hook = keyof typeof HOOKS;
type Flag = Exclude<Hook, keyof Valued>;

/** The attribute for markup to spread: `<section {...mark('terminal', view.id)}>`. */
export function mark<H extends keyof Valued>(hook: H, value: Valued[H]): Record<string, string>;
export function mark(hook: Flag): Record<string, string>;
export function mark(hook: Hook, value = ''): Record<string, string> {
  return { [HOOKS[hook]]: value };
}

/** The selector for scripts: `find('action', 'run')` is `[data-action="run"]`. */
export function find<H extends keyof Valued>(hook: H, value?: Valued[H]): string;
export function find(hook: Flag): string;
export function find(hook: Hook, value?: string): string {
  return value === undefined ? `[${HOOKS[hook]}]` : `[${HOOKS[hook]}="${value}"]`;
}

/** The value a hook carries on `element` (which tab a tab button is, say). */
export function hookValue<H extends keyof Valued>(element: Element, hook: H): string | null {
  return element.getAttribute(HOOKS[hook]);
}

/** The form fields the scripts read, by their `name`. */
export const FIELDS = { port: 'port', path: 'path', message: 'message' } as const;
