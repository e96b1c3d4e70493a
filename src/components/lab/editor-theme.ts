/**
 * The editor in Starlight's colours, light or dark as the page is: the frame, gutter, selection and cursor come
 * from Starlight's CSS variables, the syntax colours from EditorPane.astro's stylesheet (CodeMirror marks tokens with
 * classes, see classHighlighter), so a theme switch needs nothing but telling CodeMirror which one it is (isDark),
 * the way the terminals hear it (xterm-theme.ts's onThemeChange).
 */
import { EditorView } from '@codemirror/view';
import type { LabStrings } from './lab-strings.ts';

/** The same fonts as the terminals: a CJK monospace first, whose Chinese characters are two Latin ones wide. */
const MONO = '"Noto Sans Mono CJK SC", "Sarasa Mono SC", ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", monospace';

export function isDark(): boolean {
  return document.documentElement.dataset['theme'] !== 'light';
}

export const editorTheme = EditorView.theme({
  '&': {
    height: '100%',
    fontSize: '13px',
    color: 'var(--sl-color-white)',
    backgroundColor: 'var(--sl-color-bg)',
  },
  '.cm-scroller': { fontFamily: MONO, lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--sl-color-accent)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--sl-color-accent)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'var(--sl-color-accent-low)',
  },
  '.cm-gutters': {
    backgroundColor: 'var(--sl-color-bg-nav)',
    color: 'var(--sl-color-gray-3)',
    borderRight: '1px solid var(--sl-color-hairline-light)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--sl-color-gray-6) 55%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--sl-color-gray-6)', color: 'var(--sl-color-white)' },
  '&.cm-focused .cm-matchingBracket': {
    backgroundColor: 'var(--sl-color-accent-low)',
    outline: '1px solid var(--sl-color-accent)',
  },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, var(--sl-color-orange) 30%, transparent)' },
  // The comparison with the original: lines changed or added in green, the original's lines in red.
  '.cm-changedLine, .cm-insertedLine': { backgroundColor: 'var(--sl-color-green-low)' },
  '.cm-deletedChunk': { backgroundColor: 'var(--sl-color-red-low)' },
  '.cm-panels': {
    backgroundColor: 'var(--sl-color-bg-nav)',
    color: 'var(--sl-color-white)',
    fontSize: 'var(--sl-text-xs)',
  },
  '.cm-panels.cm-panels-top': { borderBottom: '1px solid var(--sl-color-hairline-light)' },
  '.cm-textfield, .cm-button': { fontSize: 'var(--sl-text-xs)' },
});

/** CodeMirror's own words (the search panel's), in the page's language. */
export function editorPhrases(s: LabStrings): Record<string, string> {
  return {
    Find: s['lab.cm.find'],
    Replace: s['lab.cm.replace'],
    next: s['lab.cm.next'],
    previous: s['lab.cm.previous'],
    all: s['lab.cm.all'],
    'match case': s['lab.cm.matchCase'],
    regexp: s['lab.cm.regexp'],
    'by word': s['lab.cm.byWord'],
    replace: s['lab.cm.replaceOne'],
    'replace all': s['lab.cm.replaceAll'],
    close: s['lab.cm.close'],
    'Go to line': s['lab.cm.goToLine'],
    go: s['lab.cm.go'],
  };
}
