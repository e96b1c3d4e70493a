/**
 * The editor's requests over the lab socket (docs/protocol.md, "Files"): list, open, save, reset, original. A save is
 * checked against the file limit before anything is sent, then sent in parts, since a whole file does not fit in one
 * message. No DOM: the integration tests drive the backend through this very module.
 */
import { filePathSchema } from '#protocol/files.ts';
import { FILES } from '#protocol/limits.ts';
import type { FileMessage } from '#protocol/messages.ts';
import type { FileEvents, LabSocket } from './lab-socket.ts';
import { splitText } from './wire-limits.ts';

const utf8 = new TextEncoder();

/** Why the editor cannot save `text` to `path`, before asking the backend; null if it can. */
export type SaveProblem = { kind: 'path'; detail: string } | { kind: 'too-large'; bytes: number; max: number };

export function saveProblem(path: string, text: string): SaveProblem | null {
  const checked = filePathSchema.safeParse(path);
  if (!checked.success) return { kind: 'path', detail: checked.error.issues[0]?.message ?? 'not a valid path' };
  // A UTF-16 unit is at most 3 bytes of UTF-8: most texts are known to fit without encoding them.
  const bytes = text.length * 3 <= FILES.maxBytes ? text.length : utf8.encode(text).length;
  return bytes > FILES.maxBytes ? { kind: 'too-large', bytes, max: FILES.maxBytes } : null;
}

/** The messages of one save, in order: each under the socket's maxPayload, whatever the text (limits.ts). */
export function saveMessages(path: string, text: string, base: string | null): FileMessage[] {
  const texts = splitText(text, FILES.saveChunkChars);
  return texts.map((part, index) => ({ type: 'file-save', path, base, part: index, parts: texts.length, text: part }));
}

export class FileClient {
  readonly #socket: LabSocket;

  constructor(socket: LabSocket, events: FileEvents) {
    this.#socket = socket;
    socket.listenFiles(events);
  }

  list(): void {
    this.#socket.sendFile({ type: 'files' });
  }

  open(path: string): void {
    this.#socket.sendFile({ type: 'file-open', path });
  }

  /** Saves `text` if the file is still version `base` (null: only if there is no such file); else says why not. */
  save(path: string, text: string, base: string | null): SaveProblem | null {
    const problem = saveProblem(path, text);
    if (problem) return problem;
    for (const message of saveMessages(path, text, base)) this.#socket.sendFile(message);
    return null;
  }

  reset(path: string): void {
    this.#socket.sendFile({ type: 'file-reset', path });
  }

  original(path: string): void {
    this.#socket.sendFile({ type: 'file-original', path });
  }
}
