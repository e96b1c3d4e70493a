/**
 * The editor's side of one lab connection: its file messages turned into WorkspaceFiles calls and their answers, a
 * save put back together from its parts, and word of changes to the files this page has open. A page may have a few
 * requests waiting at once; more are refused (`busy`), so a page cannot queue up work without bound.
 */
import type { FileMessage, ServerMessage } from '#protocol/messages.ts';
import { FILES } from '#protocol/limits.ts';
import { FileError } from '../workspace/file-error.ts';
import type { WorkspaceFiles } from '../workspace/workspace-files.ts';

export interface FileRequestsContext {
  files: WorkspaceFiles;
  send(message: ServerMessage): void;
  /** A request failed after it was taken on. */
  report(error: unknown, path: string, what: string): void;
}

type SavePart = Extract<FileMessage, { type: 'file-save' }>;

/** A save whose parts are still coming. */
interface Upload {
  path: string;
  base: string | null;
  parts: number;
  texts: string[];
  bytes: number;
}

/** Files a page is told about when they change: those it opened lately (an editor shows one at a time). */
const WATCHED_FILES = 16;

export class FileRequests {
  readonly #context: FileRequestsContext;
  readonly #watched = new Set<string>();
  readonly #unwatch: () => void;
  #upload: Upload | null = null;
  #waiting = 0;

  constructor(context: FileRequestsContext) {
    this.#context = context;
    this.#unwatch = context.files.watch({
      wants: (path) => this.#watched.has(path),
      changed: (path, version) => context.send({ type: 'file-changed', path, version }),
      listed: (files) => context.send({ type: 'files', files }),
    });
  }

  /** Throws a FileError for a request refused at once; later failures go to the context's `report`. */
  handle(message: FileMessage): void {
    const { files } = this.#context;
    switch (message.type) {
      case 'files':
        this.#answer('', 'listing the files', async () => ({ type: 'files', files: await files.list() }));
        break;
      case 'file-open':
        this.#watch(message.path);
        this.#answer(message.path, 'opening a file', async () => ({
          type: 'file',
          path: message.path,
          ...(await files.open(message.path)),
        }));
        break;
      case 'file-save': {
        const upload = this.#collect(message);
        if (!upload) break;
        this.#watch(upload.path);
        this.#answer(upload.path, 'saving a file', async () => ({
          type: 'file-saved',
          path: upload.path,
          version: await files.save(upload.path, upload.texts.join(''), upload.base),
        }));
        break;
      }
      case 'file-reset':
        this.#watch(message.path);
        this.#answer(message.path, 'resetting a file', async () => ({
          type: 'file',
          path: message.path,
          ...(await files.reset(message.path)),
        }));
        break;
      case 'file-original':
        this.#context.send({ type: 'file-original', path: message.path, text: files.original(message.path) });
        break;
    }
  }

  /** Stops listening for changes and forgets any save still coming. */
  close(): void {
    this.#unwatch();
    this.#upload = null;
  }

  /** Adds a part to its save; the whole save once the last part is in. */
  #collect(part: SavePart): Upload | null {
    const { path } = part;
    if (part.part === 0) {
      this.#upload = { path, base: part.base, parts: part.parts, texts: [], bytes: 0 };
    }
    const upload = this.#upload;
    if (
      !upload ||
      upload.path !== path ||
      upload.base !== part.base ||
      upload.parts !== part.parts ||
      upload.texts.length !== part.part
    ) {
      this.#upload = null;
      throw new FileError('bad-message', path, 'the parts of a save came out of order: nothing was saved');
    }
    upload.texts.push(part.text);
    upload.bytes += Buffer.byteLength(part.text, 'utf8');
    if (upload.bytes > FILES.maxBytes) {
      this.#upload = null;
      throw new FileError('too-large', path, `the text is over ${FILES.maxBytes} bytes: nothing was saved`);
    }
    if (upload.texts.length < upload.parts) return null;
    this.#upload = null;
    return upload;
  }

  #watch(path: string): void {
    this.#watched.delete(path);
    this.#watched.add(path);
    for (const oldest of this.#watched) {
      if (this.#watched.size <= WATCHED_FILES) break;
      this.#watched.delete(oldest);
    }
  }

  #answer(path: string, what: string, work: () => Promise<ServerMessage>): void {
    if (this.#waiting >= FILES.pendingRequests) {
      throw new FileError('busy', path, 'too many file requests at once: wait for the last ones to finish');
    }
    this.#waiting += 1;
    work()
      .then(
        (message) => this.#context.send(message),
        (error: unknown) => this.#context.report(error, path, what),
      )
      .finally(() => (this.#waiting -= 1));
  }
}
