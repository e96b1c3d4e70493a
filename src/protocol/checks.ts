/**
 * A lab's checks: what a learner is asked to do, said in both languages, and how the backend sees that it happened,
 * live and inside the workspace. Declared in lab.json (`checks`), read by the site (titles and hints) and by the
 * backend (evaluation) through this schema. Patterns are JavaScript regular expressions, checked to compile here.
 */
import { z } from 'zod';
import { CHECKS } from './limits.ts';
import { TCP_FLAGS } from './packet.ts';

export const CHECK_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const checkIdSchema = z.string().regex(CHECK_ID_PATTERN, 'a check id looks like "upper-case"');

const text = (max: number) => z.strictObject({ 'zh-CN': z.string().min(1).max(max), en: z.string().min(1).max(max) });

/** A regular expression's source; flags are not offered (use (?i) style alternatives in the pattern itself). */
export const patternSchema = z
  .string()
  .min(1)
  .max(CHECKS.patternChars)
  .refine((source) => {
    try {
      new RegExp(source, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

const port = z.int().min(1).max(65535);
const terminalId = z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, 'a terminal id looks like "t1"');
/** A path relative to the workspace's home ("server.py", "files/a.txt"). */
const homePath = z
  .string()
  .min(1)
  .max(256)
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[^\0]+$/, 'a path relative to the home, without "." or ".." parts');

/** How a check sees that it happened. */
export const checkKindSchema = z.discriminatedUnion('kind', [
  /** Something listens on `port` (and `address`, when given: "127.0.0.1", "0.0.0.0", "::", "::1"). */
  z.strictObject({
    kind: z.literal('listening'),
    port,
    address: z.enum(['127.0.0.1', '0.0.0.0', '::', '::1']).optional(),
  }),
  /** At least `min` established connections have `port` at their server's end. */
  z.strictObject({ kind: z.literal('connections'), port, min: z.int().min(1).max(64) }),
  /** A terminal's output (escapes stripped) matches `pattern`; without `terminal`, any terminal's. */
  z.strictObject({ kind: z.literal('output'), terminal: terminalId.optional(), pattern: patternSchema }),
  /** A file of the home matches `pattern` (and does not match `unless`), or has exactly this SHA-256. */
  z.strictObject({
    kind: z.literal('file'),
    path: homePath,
    pattern: patternSchema.optional(),
    unless: patternSchema.optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex digits')
      .optional(),
  }),
  /**
   * The wire view showed a TCP segment with all of `flags` (e.g. ["RST"]), to or from `port` when given: seen only
   * while the learner has a capture open, which is the point (the learner looked).
   */
  z.strictObject({
    kind: z.literal('segment'),
    flags: z.array(z.enum(TCP_FLAGS)).min(1).max(TCP_FLAGS.length),
    port: port.optional(),
  }),
  /**
   * A TCP exchange made inside the sandbox when something listens on `port`: `send` (UTF-8, \n as written), then the
   * answer read until it matches `expect` or the server closes or the time runs out.
   */
  z.strictObject({
    kind: z.literal('tcp-probe'),
    port,
    send: z.string().max(CHECKS.probeSendBytes),
    expect: patternSchema,
  }),
  /**
   * An HTTP GET made inside the sandbox when something listens on `port`: it passes when the response completes (by
   * Content-Length or chunked, not by waiting for a close), has the status, and, when given, matches the patterns.
   */
  z.strictObject({
    kind: z.literal('http-probe'),
    port,
    path: z
      .string()
      .max(200)
      .regex(/^\/[\x21-\x7e]*$/, 'a path starts with "/"')
      .default('/'),
    status: z.int().min(100).max(599).default(200),
    contentLength: z.boolean().default(false),
    header: patternSchema.optional(),
    body: patternSchema.optional(),
  }),
]);

export const checkSchema = z
  .strictObject({
    id: checkIdSchema,
    /** What to do, in the learner's words: the checkbox's name. */
    title: text(CHECKS.titleChars),
    /** Revealed on request. */
    hint: text(CHECKS.hintChars),
    /**
     * Which <Lab> of the page lists it when a lesson shows its lab in parts (`<Lab terminals={[...]}>`): the one with
     * this terminal; by default the one with the lab's first terminal.
     */
    shownWith: terminalId.optional(),
    /** Every condition must hold at once. */
    when: z.array(checkKindSchema).min(1).max(4),
  })
  .refine(
    (check) => check.when.every((k) => k.kind !== 'file' || k.pattern !== undefined || k.sha256 !== undefined),
    'a file condition needs a pattern or a sha256',
  );

export const checksSchema = z
  .array(checkSchema)
  .max(CHECKS.perLab)
  .default([])
  .refine((checks) => new Set(checks.map((c) => c.id)).size === checks.length, 'check ids must be unique in a lab');

export type CheckKind = z.infer<typeof checkKindSchema>;
export type Check = z.infer<typeof checkSchema>;

/** Where a lab stands for a learner: which checks passed, and when (ms since the epoch). */
export const checkStateSchema = z.strictObject({
  id: checkIdSchema,
  passedAt: z.number().int().nonnegative().nullable(),
});
export type CheckState = z.infer<typeof checkStateSchema>;
