/**
 * The editor pane: the home's files in a menu, one file open at a time, saved into the workspace through the lab
 * socket only over the version the edit started from. Unsaved edits are kept in the browser (editor-drafts.ts,
 * written when typing pauses: editor-draft-writer.ts) until saved. When the file changes in the workspace (a
 * terminal's `sed -i`, a program), the pane takes the new text if there is nothing unsaved, and otherwise offers it
 * (editor-their-version.ts), never overwriting either side by itself. CodeMirror (editor-view.ts) is loaded the first
 * time a file is opened (editor-loader.ts).
 */
import type { FileEntry } from '#protocol/files.ts';
import type { ErrorCode } from '#protocol/messages.ts';
import { DraftWriter } from './editor-draft-writer.ts';
import { Drafts } from './editor-drafts.ts';
import { EditorLoader } from './editor-loader.ts';
import { FileClient } from './file-client.ts';
import type { FileServerMessage, LabSocket } from './lab-socket.ts';
import type { LabStrings } from './lab-strings.ts';
import { EditorBar } from './editor-bar.ts';
import { EditorCompare } from './editor-compare.ts';
import { EditorNotice, type Answer } from './editor-notice.ts';
import { TheirVersion } from './editor-their-version.ts';
import { PaneDom } from './pane-dom.ts';

/** The file shown, as the workspace last told: its version (null once it is gone) and that version's text. */
interface OpenFile {
  path: string;
  base: string | null;
  saved: string;
}

export class EditorPane {
  readonly #dom: PaneDom;
  readonly #client: FileClient;
  readonly #drafts: Drafts;
  readonly #draftWriter: DraftWriter;
  readonly #editor: EditorLoader;
  readonly #bar: EditorBar;
  readonly #notice: EditorNotice;
  readonly #compare: EditorCompare;
  readonly #theirs: TheirVersion;
  #files: FileEntry[] = [];
  /** The backend has listed the files on this connection, so its workspace is ready for requests. */
  #ready = false;
  #file: OpenFile | null = null;
  /** A file asked for and not yet shown. */
  #opening: string | null = null;
  /** The text being saved, until the backend answers. */
  #saving: string | null = null;
  /** A change the workspace reported while a save was under way: looked at once the save is answered. */
  #changedWhileSaving: string | null | undefined = undefined;

  constructor(root: HTMLElement, socket: LabSocket, strings: LabStrings, lab: string) {
    this.#dom = new PaneDom(root, 'editor pane');
    this.#drafts = new Drafts(lab);
    this.#notice = new EditorNotice(this.#dom, strings, (answer) => this.#answer(answer));
    this.#client = new FileClient(socket, {
      message: (message) => this.#receive(message),
      error: (code, message, path) => this.#refused(code, message, path),
    });
    this.#theirs = new TheirVersion(this.#client, this.#notice);
    this.#editor = new EditorLoader(this.#dom, strings, {
      onChange: () => {
        this.#draftWriter.soon();
        this.#refresh();
      },
      onSave: () => this.#save(),
    });
    this.#draftWriter = new DraftWriter(this.#dom, () => this.#writeDraft());
    this.#compare = new EditorCompare(this.#client, () => this.#editor.view);
    this.#bar = new EditorBar(this.#dom, strings, {
      open: (path) => this.#open(path),
      save: () => this.#save(),
      compare: () => {
        if (this.#file) this.#compare.toggle(this.#file.path);
        this.#refresh();
      },
      reset: () => this.#resetFile(),
    });
  }

  setConnected(connected: boolean): void {
    this.#ready = false;
    this.#saving = null;
    this.#draftWriter.flush();
    // Once the workspace lists its files the pane can ask for things again; a file open is fetched anew then.
    if (connected) this.#client.list();
    this.#refresh();
  }

  setTheme(): void {
    this.#editor.view?.setTheme();
  }

  dispose(): void {
    this.#draftWriter.flush();
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
    this.#draftWriter.flush();
    this.#opening = path;
    this.#drafts.open = path;
    this.#notice.hide();
    this.#editor.load();
    if (this.#ready) this.#client.open(path);
    this.#refresh();
  }

  /** The workspace's text of a file: shown, or offered when it would overwrite unsaved edits. */
  async #show(path: string, text: string, version: string): Promise<void> {
    if (path === this.#file?.path && this.#theirs.take(path, { text, version })) return;
    if (path !== this.#opening && path !== this.#file?.path) return;
    const view = await this.#editor.load();
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
      this.#theirs.offer('lab.staleDraft', path, { text, version });
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
      this.#notice.ask('lab.deletedOutside', file.path, ['save-again', 'close-file']);
    } else if (this.#dirty()) {
      this.#theirs.fetch(file.path);
    } else {
      this.#opening = file.path;
      this.#client.open(file.path);
      this.#notice.ask('lab.updatedOutside', file.path, [], 'info');
    }
    this.#refresh();
  }

  #save(base = this.#file?.base ?? null): void {
    const file = this.#file;
    if (!this.#ready || !file || !this.#editor.view || this.#saving !== null) return;
    const text = this.#editor.view.text();
    const problem = this.#client.save(file.path, text, base);
    if (problem) {
      this.#notice.cannotSave(problem);
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
    this.#theirs.clear();
    if (this.#editor.view?.text() === file.saved) this.#drafts.delete(file.path);
    this.#refresh();
    const changed = this.#changedWhileSaving;
    this.#changedWhileSaving = undefined;
    if (changed !== undefined && changed !== version) this.#changed(changed);
  }

  #refused(code: ErrorCode, message: string, path: string | undefined): void {
    const file = this.#file;
    if (path === file?.path) this.#theirs.cancel();
    if (path === this.#opening) {
      this.#opening = null;
      this.#drafts.open = file?.path ?? null;
    }
    if (file && path === file.path && this.#saving !== null) {
      this.#saving = null;
      if (code === 'conflict') {
        this.#theirs.fetch(file.path);
        return this.#refresh();
      }
      if (code === 'not-found') {
        file.base = null;
        this.#notice.ask('lab.deletedOutside', file.path, ['save-again', 'close-file']);
        return this.#refresh();
      }
    }
    this.#notice.refused(code, message, path);
    this.#refresh();
  }

  #answer(answer: Answer): void {
    const file = this.#file;
    const theirs = this.#theirs.offered;
    if (!file) return;
    this.#notice.hide();
    if (answer === 'load-theirs' && theirs) {
      this.#drafts.delete(file.path);
      void this.#show(file.path, theirs.text, theirs.version);
    } else if (answer === 'keep-mine' && theirs) {
      // The next save goes over the workspace's version, which the learner has now seen.
      file.base = theirs.version;
      file.saved = theirs.text;
      this.#draftWriter.flush();
    } else if (answer === 'save-again') {
      this.#save(null);
    } else if (answer === 'close-file') {
      this.#drafts.delete(file.path);
      this.#drafts.open = null;
      this.#file = null;
      void this.#editor.view?.show('', '');
    }
    this.#theirs.clear();
    this.#refresh();
  }

  #resetFile(): void {
    const file = this.#file;
    if (!file || !this.#bar.confirmReset(file.path)) return;
    this.#drafts.delete(file.path);
    this.#opening = file.path;
    this.#client.reset(file.path);
  }

  /** Keeps unsaved edits in the browser, and forgets them once the text is what the workspace has. */
  #writeDraft(): void {
    const file = this.#file;
    if (!file || !this.#editor.view) return;
    if (!this.#dirty()) this.#drafts.delete(file.path);
    else if (!this.#drafts.set(file.path, { text: this.#editor.view.text(), base: file.base })) {
      this.#notice.ask('lab.draftNotKept', file.path, []);
    }
    this.#refresh();
  }

  /** Unsaved: the text differs from the version it started from, or that version is gone. */
  #dirty(): boolean {
    const file = this.#file;
    return file !== null && (file.base === null || this.#editor.view?.text() !== file.saved);
  }

  /** The header, the badge and the menu, as things are now. */
  #refresh(): void {
    const file = this.#file;
    const dirty = this.#dirty();
    const unsaved = new Set(this.#drafts.paths());
    if (file && dirty) unsaved.add(file.path);
    this.#bar.render({
      ready: this.#ready,
      files: this.#files,
      selected: this.#opening ?? file?.path ?? null,
      unsaved,
      file: file && { path: file.path, state: this.#saving !== null ? 'saving' : dirty ? 'unsaved' : 'saved' },
      comparing: this.#compare.on,
    });
  }
}
