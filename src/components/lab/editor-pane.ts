/**
 * The editor pane: the home's files in a menu, one file open at a time, saved into the workspace through the lab
 * socket only over the version the edit started from. Unsaved edits are kept in the browser (editor-drafts.ts) until
 * saved. When the file changes in the workspace (a terminal's `sed -i`, a program), the pane takes the new text if
 * there is nothing unsaved, and otherwise asks, never overwriting either side by itself. CodeMirror (editor-view.ts)
 * is loaded the first time a file is opened.
 */
import type { FileEntry } from '#protocol/files.ts';
import type { ErrorCode } from '#protocol/messages.ts';
import { fillIn } from '../ui-strings.ts';
import { Drafts } from './editor-drafts.ts';
import type { EditorHandle } from './editor-view.ts';
import { FileClient } from './file-client.ts';
import type { FileServerMessage, LabSocket } from './lab-socket.ts';
import type { LabStringKey, LabStrings } from './lab-strings.ts';
import { EditorBar } from './editor-bar.ts';
import { EditorCompare } from './editor-compare.ts';
import { EditorMenu } from './editor-menu.ts';
import { EditorNotice, refusalText, type Answer, type Tone } from './editor-notice.ts';
import { PaneDom } from './pane-dom.ts';
import { find } from './selectors.ts';

/** The file shown, as the workspace last told: its version (null once it is gone) and that version's text. */
interface OpenFile {
  path: string;
  base: string | null;
  saved: string;
}

/** How long typing pauses before the draft is written to the browser's storage. */
const DRAFT_DELAY_MS = 300;

export class EditorPane {
  readonly #dom: PaneDom;
  readonly #strings: LabStrings;
  readonly #client: FileClient;
  readonly #drafts: Drafts;
  readonly #menu: EditorMenu;
  readonly #bar: EditorBar;
  readonly #notice: EditorNotice;
  #files: FileEntry[] = [];
  /** The backend has listed the files on this connection, so its workspace is ready for requests. */
  #ready = false;
  #loading: Promise<EditorHandle> | null = null;
  /** CodeMirror, once loaded. */
  #view: EditorHandle | null = null;
  #file: OpenFile | null = null;
  /** A file asked for and not yet shown. */
  #opening: string | null = null;
  /** The text being saved, until the backend answers. */
  #saving: string | null = null;
  /** A change the workspace reported while a save was under way: looked at once the save is answered. */
  #changedWhileSaving: string | null | undefined = undefined;
  /** The next `file` for the open file is the workspace's version, for the learner to choose from, not to show. */
  #fetchTheirs = false;
  #theirs: { text: string; version: string } | null = null;
  readonly #compare: EditorCompare;
  #draftTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(root: HTMLElement, socket: LabSocket, strings: LabStrings, lab: string) {
    this.#dom = new PaneDom(root, 'editor pane');
    this.#strings = strings;
    this.#drafts = new Drafts(lab);
    this.#menu = new EditorMenu(this.#dom, strings, (path) => this.#open(path));
    this.#notice = new EditorNotice(this.#dom, (answer) => this.#answer(answer));
    this.#client = new FileClient(socket, {
      message: (message) => this.#receive(message),
      error: (code, message, path) => this.#refused(code, message, path),
    });
    this.#compare = new EditorCompare(this.#client, () => this.#view);
    this.#bar = new EditorBar(this.#dom, strings, {
      save: () => this.#save(),
      compare: () => {
        if (this.#file) this.#compare.toggle(this.#file.path);
        this.#refresh();
      },
      reset: () => this.#resetFile(),
    });
    this.#dom.onDispose(() => void this.#loading?.then((view) => view.destroy()));
    // A reload or a closed tab does not wait for the draft's delay: what was typed last is kept too.
    const flush = () => this.#writeDraft();
    window.addEventListener('pagehide', flush);
    this.#dom.onDispose(() => window.removeEventListener('pagehide', flush));
  }

  setConnected(connected: boolean): void {
    this.#ready = false;
    this.#saving = null;
    this.#writeDraft();
    // Once the workspace lists its files the pane can ask for things again; a file open is fetched anew then.
    if (connected) this.#client.list();
    this.#refresh();
  }

  setTheme(): void {
    this.#view?.setTheme();
  }

  dispose(): void {
    this.#writeDraft();
    this.#dom.dispose();
  }

  #receive(message: FileServerMessage): void {
    switch (message.type) {
      case 'files': {
        this.#files = message.files;
        const first = !this.#ready;
        this.#ready = true;
        if (first) {
          const again = this.#file?.path ?? this.#opening ?? this.#drafts.open;
          if (again && this.#files.some((f) => f.path === again)) this.#open(again);
        }
        this.#refresh();
        break;
      }
      case 'file':
        void this.#show(message.path, message.text, message.version);
        break;
      case 'file-saved':
        if (message.path === this.#file?.path && this.#saving !== null) this.#saved(message.version);
        break;
      case 'file-changed':
        if (message.path === this.#file?.path) this.#changed(message.version);
        break;
      case 'file-original':
        if (message.path === this.#file?.path) this.#compare.original(message.text);
        break;
    }
  }

  #open(path: string): void {
    this.#writeDraft();
    this.#opening = path;
    this.#drafts.open = path;
    this.#notice.hide();
    this.#loadEditor();
    if (this.#ready) this.#client.open(path);
    this.#refresh();
  }

  /** The workspace's text of a file: shown, or offered when it would overwrite unsaved edits. */
  async #show(path: string, text: string, version: string): Promise<void> {
    if (this.#fetchTheirs && path === this.#file?.path) {
      this.#fetchTheirs = false;
      this.#theirs = { text, version };
      this.#ask('lab.changedOutside', path, ['load-theirs', 'keep-mine']);
      return;
    }
    if (path !== this.#opening && path !== this.#file?.path) return;
    const view = await this.#loadEditor();
    const switching = path !== this.#file?.path;
    const draft = this.#drafts.get(path);
    this.#opening = null;
    this.#file = { path, base: version, saved: text };
    const mine = draft && draft.text !== text ? draft : null;
    const shown = mine?.text ?? text;
    if (switching) await view.show(path, shown);
    else if (view.text() !== shown) view.replace(shown);
    if (switching) this.#compare.stop();
    if (mine && mine.base !== version) {
      // Edits kept from before, made to a version the workspace no longer has: the learner chooses.
      this.#file.base = mine.base;
      this.#theirs = { text, version };
      this.#ask('lab.staleDraft', path, ['load-theirs', 'keep-mine']);
    } else if (!mine) {
      this.#drafts.delete(path);
    }
    this.#refresh();
  }

  #changed(version: string | null): void {
    const file = this.#file as OpenFile;
    if (this.#saving !== null) {
      this.#changedWhileSaving = version;
      return;
    }
    // The learner is leaving this file for another (its draft is kept): nothing to ask about now.
    if (version === file.base || (this.#opening !== null && this.#opening !== file.path)) return;
    if (version === null) {
      file.base = null;
      this.#ask('lab.deletedOutside', file.path, ['save-again', 'close-file']);
    } else if (this.#dirty()) {
      this.#fetchTheirs = true;
      this.#client.open(file.path);
    } else {
      this.#opening = file.path;
      this.#client.open(file.path);
      this.#ask('lab.updatedOutside', file.path, [], 'info');
    }
    this.#refresh();
  }

  #save(base = this.#file?.base ?? null): void {
    const file = this.#file;
    if (!this.#ready || !file || !this.#view || this.#saving !== null) return;
    const text = this.#view.text();
    const problem = this.#client.save(file.path, text, base);
    if (problem?.kind === 'too-large') {
      this.#notice.show(fillIn(this.#strings['lab.fileTooLarge'], problem), []);
    } else if (problem) {
      this.#notice.show(`${this.#strings['lab.fileError.bad-path']} (${problem.detail})`, []);
    } else {
      this.#saving = text;
      this.#notice.hide();
    }
    this.#refresh();
  }

  #saved(version: string): void {
    const file = this.#file as OpenFile;
    file.base = version;
    file.saved = this.#saving as string;
    this.#saving = null;
    this.#theirs = null;
    if (this.#view?.text() === file.saved) this.#drafts.delete(file.path);
    this.#refresh();
    const changed = this.#changedWhileSaving;
    this.#changedWhileSaving = undefined;
    if (changed !== undefined && changed !== version) this.#changed(changed);
  }

  #refused(code: ErrorCode, message: string, path: string | undefined): void {
    const file = this.#file;
    if (path === file?.path) this.#fetchTheirs = false;
    if (path === this.#opening) {
      this.#opening = null;
      this.#drafts.open = file?.path ?? null;
    }
    if (file && path === file.path && this.#saving !== null) {
      this.#saving = null;
      if (code === 'conflict') {
        this.#fetchTheirs = true;
        this.#client.open(file.path);
        return this.#refresh();
      }
      if (code === 'not-found') {
        file.base = null;
        this.#ask('lab.deletedOutside', file.path, ['save-again', 'close-file']);
        return this.#refresh();
      }
    }
    this.#notice.show(refusalText(this.#strings, code, message, path), []);
    this.#refresh();
  }

  #answer(answer: Answer): void {
    const file = this.#file;
    if (!file) return;
    this.#notice.hide();
    if (answer === 'load-theirs' && this.#theirs) {
      this.#drafts.delete(file.path);
      void this.#show(file.path, this.#theirs.text, this.#theirs.version);
    } else if (answer === 'keep-mine' && this.#theirs) {
      // The next save goes over the workspace's version, which the learner has now seen.
      file.base = this.#theirs.version;
      file.saved = this.#theirs.text;
      this.#writeDraft();
    } else if (answer === 'save-again') {
      this.#save(null);
    } else if (answer === 'close-file') {
      this.#drafts.delete(file.path);
      this.#drafts.open = null;
      this.#file = null;
      void this.#view?.show('', '');
    }
    this.#theirs = null;
    this.#refresh();
  }

  #resetFile(): void {
    const file = this.#file;
    if (!file || !window.confirm(fillIn(this.#strings['lab.resetFileConfirm'], { path: file.path }))) return;
    this.#drafts.delete(file.path);
    this.#opening = file.path;
    this.#client.reset(file.path);
  }

  #loadEditor(): Promise<EditorHandle> {
    this.#loading ??= (async () => {
      const host = this.#dom.element(find('editorHost'));
      host.textContent = this.#strings['lab.editorLoading'];
      const { createEditor } = await import('./editor-view.ts');
      host.replaceChildren();
      this.#view = createEditor(host, {
        strings: this.#strings,
        onChange: () => this.#edited(),
        onSave: () => this.#save(),
      });
      return this.#view;
    })();
    return this.#loading;
  }

  #edited(): void {
    if (this.#draftTimer) clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => this.#writeDraft(), DRAFT_DELAY_MS);
    this.#refresh();
  }

  /** Keeps unsaved edits in the browser, and forgets them once the text is what the workspace has. */
  #writeDraft(): void {
    if (this.#draftTimer) clearTimeout(this.#draftTimer);
    this.#draftTimer = null;
    const file = this.#file;
    if (!file || !this.#view) return;
    if (!this.#dirty()) this.#drafts.delete(file.path);
    else if (!this.#drafts.set(file.path, { text: this.#view.text(), base: file.base })) {
      this.#ask('lab.draftNotKept', file.path, []);
    }
    this.#refresh();
  }

  /** Unsaved: the text differs from the version it started from, or that version is gone. */
  #dirty(): boolean {
    const file = this.#file;
    return file !== null && (file.base === null || this.#view?.text() !== file.saved);
  }

  /** The header, the badge and the menu, as things are now. */
  #refresh(): void {
    const file = this.#file;
    const dirty = this.#dirty();
    const unsaved = new Set(this.#drafts.paths());
    if (file && dirty) unsaved.add(file.path);
    this.#menu.render(this.#files, this.#opening ?? file?.path ?? null, unsaved, this.#ready);
    this.#bar.render({
      ready: this.#ready,
      comparing: this.#compare.on,
      file: file && {
        state: this.#saving !== null ? 'saving' : dirty ? 'unsaved' : 'saved',
        original: this.#files.some((f) => f.path === file.path && f.original),
      },
    });
  }

  /** Says `key` (about `path`) above the editor, with the answers the learner can give. */
  #ask(key: LabStringKey, path: string, answers: Answer[], tone: Tone = 'warning'): void {
    this.#notice.show(fillIn(this.#strings[key], { path }), answers, tone);
  }
}
