/**
 * The editor's part of the lab protocol (docs/protocol.md, "Files"): the messages that list, open, save and reset the
 * files of a workspace's home, and what a path and a version are. messages.ts puts them into its unions.
 */
import { z } from 'zod';
import { FILES } from './limits.ts';

const utf8 = new TextEncoder();

/**
 * A path relative to the home, '/'-separated, with no way out of it by its spelling: no leading '/', no '.' or '..',
 * no empty name, no NUL. (Where a path leads, through links, only the sandbox can tell: the file helper checks that.)
 * The store checks the paths it writes back into a new home with it too.
 */
export const homePathSchema = z
  .string()
  .min(1)
  .max(FILES.pathChars)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\0') &&
      p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'not a plain relative path inside the home',
  );

/**
 * A path the editor opens or saves: a home path that a Linux file system can hold (every name at most 255 bytes) and
 * that reads as text (well-formed Unicode, no control characters).
 */
export const filePathSchema = homePathSchema
  .refine((p) => p.isWellFormed(), 'not well-formed Unicode')
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\x00-\x1f\x7f]/.test(p), 'a name with control characters')
  .refine(
    (p) => p.split('/').every((name) => utf8.encode(name).length <= FILES.nameBytes),
    `a name longer than ${FILES.nameBytes} bytes (a Chinese character takes 3)`,
  );

/** A file's version: the SHA-256 of its bytes, in hex. A save names the version it started from. */
export const versionSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a version is 64 hex digits');

/** Text as it can travel: no lone surrogate (JSON.stringify writes one as an escape, UTF-8 cannot hold it). */
const textSchema = z.string().refine((t) => t.isWellFormed(), 'not well-formed Unicode');

export const fileClientMessages = [
  /** The files of the home. */
  z.strictObject({ type: z.literal('files') }),
  z.strictObject({ type: z.literal('file-open'), path: filePathSchema }),
  /**
   * One part of a save (parts 0..parts-1, in order). It is written once the last part is in, only if the file's
   * version is still `base` (null: only if there is no such file), atomically.
   */
  z
    .strictObject({
      type: z.literal('file-save'),
      path: filePathSchema,
      base: versionSchema.nullable(),
      part: z
        .int()
        .min(0)
        .max(FILES.saveParts - 1),
      parts: z.int().min(1).max(FILES.saveParts),
      text: textSchema.max(FILES.saveChunkChars),
    })
    .refine((m) => m.part < m.parts, { message: 'part is past the last part', path: ['part'] }),
  /** Puts the lesson's original of this file back. */
  z.strictObject({ type: z.literal('file-reset'), path: filePathSchema }),
  /** The lesson's original of this file, for comparing. */
  z.strictObject({ type: z.literal('file-original'), path: filePathSchema }),
] as const;

/** Why a file request was refused (the `code` of an `error` about a file). */
export const FILE_ERROR_CODES = [
  /** Outside the home, or a link that leads out of it. */
  'bad-path',
  'not-found',
  /** A directory, a device, a pipe... */
  'not-a-file',
  /** Binary: a NUL byte, or not UTF-8. */
  'not-text',
  'too-large',
  /** The file is no longer the version the edit started from (or exists, for a save of a new file). */
  'conflict',
  /** Not one of the lesson's files: there is no original to compare with or go back to. */
  'no-original',
  /** The file system refused (no space left, permission denied...): the message says what it said. */
  'io-error',
] as const;
export type FileErrorCode = (typeof FILE_ERROR_CODES)[number];

const fileEntrySchema = z.strictObject({
  path: z.string(),
  size: z.int().nonnegative(),
  /** One of the lesson's files (listed first). */
  original: z.boolean(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const fileServerMessages = [
  z.strictObject({ type: z.literal('files'), files: z.array(fileEntrySchema) }),
  /** A file's text as it is now in the home (the answer to `file-open` and `file-reset`). */
  z.strictObject({ type: z.literal('file'), path: z.string(), text: z.string(), version: versionSchema }),
  z.strictObject({ type: z.literal('file-saved'), path: z.string(), version: versionSchema }),
  z.strictObject({ type: z.literal('file-original'), path: z.string(), text: z.string() }),
  /** Something changed the file (a terminal, a program): its new version, or null once it is gone. */
  z.strictObject({ type: z.literal('file-changed'), path: z.string(), version: versionSchema.nullable() }),
] as const;
