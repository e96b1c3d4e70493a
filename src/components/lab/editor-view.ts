/**
 * The editor itself: CodeMirror 6 with line numbers, search, bracket matching, undo, the language of the file
 * (Python, TypeScript/JavaScript, C#; each loaded when a file of it opens), Starlight's colours, and the comparison
 * with the lesson's original. editor-loader.ts loads this module only when a file is chosen: a lab that never opens
 * the editor never downloads CodeMirror.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import { editorPhrases, editorTheme, isDark } from './editor-theme.ts';
import { languageFor } from './editor-languages.ts';
import type { LabStrings } from './lab-strings.ts';

export interface EditorOptions {
  strings: LabStrings;
  /** The text changed (typing, undo, a chunk reverted in the comparison). */
  onChange(): void;
  /** Ctrl-S / Cmd-S. */
  onSave(): void;
}

export interface EditorHandle {
  /** Shows `text` as file `path`: a fresh document, its own undo history, its language. */
  show(path: string, text: string): Promise<void>;
  /** The same file, with new text (from the workspace): one undoable change, the cursor kept where it can be. */
  replace(text: string): void;
  /** The text, with the file's own line breaks. */
  text(): string;
  /** Shows what differs from `original`, or stops comparing (null). */
  compare(original: string | null): Promise<void>;
  setTheme(): void;
  focus(): void;
  destroy(): void;
}

export function createEditor(parent: HTMLElement, options: EditorOptions): EditorHandle {
  const language = new Compartment();
  const dark = new Compartment();
  const comparison = new Compartment();
  const lineBreak = new Compartment();

  const extensions = (path: string, text: string, mode: Extension): Extension[] => [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: true }),
    syntaxHighlighting(classHighlighter),
    EditorView.lineWrapping,
    // As the lessons' files are written: four spaces in Python and C#, two in TypeScript and JavaScript.
    indentUnit.of(/\.(py|cs)$/.test(path) ? '    ' : '  '),
    keymap.of([
      { key: 'Mod-s', preventDefault: true, run: () => (options.onSave(), true) },
      ...defaultKeymap,
      ...historyKeymap,
      ...searchKeymap,
      indentWithTab,
    ]),
    EditorState.phrases.of(editorPhrases(options.strings)),
    EditorView.contentAttributes.of({ 'aria-label': path }),
    editorTheme,
    dark.of(EditorView.darkTheme.of(isDark())),
    language.of(mode),
    comparison.of([]),
    // A file written with CRLF line breaks is saved with them: CodeMirror would otherwise write \n.
    lineBreak.of(text.includes('\r\n') ? EditorState.lineSeparator.of('\r\n') : []),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange();
    }),
  ];

  const view = new EditorView({ parent });
  return {
    async show(path, text) {
      const mode = await languageFor(path);
      view.setState(EditorState.create({ doc: text, extensions: extensions(path, text, mode) }));
    },
    replace(text) {
      const head = Math.min(view.state.selection.main.head, text.length);
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: head } });
    },
    text: () => view.state.sliceDoc(),
    async compare(original) {
      // The comparison's code is loaded when it is first asked for. No accept/reject buttons on its chunks: they
      // would cover the learner's code on a narrow screen, and "Reset this file" puts the whole original back.
      const merge =
        original === null
          ? []
          : (await import('@codemirror/merge')).unifiedMergeView({ original, gutter: true, mergeControls: false });
      view.dispatch({ effects: comparison.reconfigure(merge) });
    },
    setTheme() {
      view.dispatch({ effects: dark.reconfigure(EditorView.darkTheme.of(isDark())) });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
