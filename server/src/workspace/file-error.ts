/**
 * A file request refused, with the code and words the page gets (an `error` with `path`): the learner's input was
 * wrong or the file is not what the editor can handle. Anything else that goes wrong is a fault of the backend's.
 */
import type { FileErrorCode } from '#protocol/files.ts';

export type FileRefusalCode = FileErrorCode | 'busy' | 'bad-message';

export class FileError extends Error {
  readonly code: FileRefusalCode;
  readonly path: string;
  constructor(code: FileRefusalCode, path: string, message: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}
