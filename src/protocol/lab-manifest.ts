/**
 * The lab manifest: `examples/<lab-id>/lab.json` says which terminals a lesson's lab has and what each one's Run
 * button runs. The site reads it at build time (as an Astro content collection) and the backend at start-up, both
 * through this schema, so a page can never offer a terminal the backend does not know.
 */
import { z } from 'zod';
import { checksSchema } from './checks.ts';
import { PANES } from './limits.ts';

export const LAB_ID_PATTERN = /^[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TERMINAL_ID_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;

export const labIdSchema = z.string().regex(LAB_ID_PATTERN, 'a lab id looks like "01-first-client-server"');
export const terminalIdSchema = z.string().regex(TERMINAL_ID_PATTERN, 'a terminal id looks like "t1" or "server"');

/** Every text a learner reads comes in both course languages. */
export const localizedTextSchema = z.strictObject({
  'zh-CN': z.string().min(1).max(80),
  en: z.string().min(1).max(80),
});

export const labCommandSchema = z.strictObject({
  /** What is typed at the shell prompt when the learner presses Run: a command line, as a learner would type it. */
  run: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !/[\r\n]/.test(s), 'a command is one line'),
  /** Shown in the command menu, e.g. "Python" or "TypeScript". */
  label: localizedTextSchema.optional(),
});

export const labTerminalSchema = z.strictObject({
  id: terminalIdSchema,
  title: localizedTextSchema,
  commands: z.array(labCommandSchema).max(8).default([]),
});

export const portSchema = z.int().min(1).max(65535);
/** An origin-form request target (RFC 9112 section 3.2.1): printable ASCII, no spaces. */
export const requestPathSchema = z
  .string()
  .max(PANES.pathChars)
  .regex(/^\/[\x21-\x7e]*$/, 'a path starts with "/" and is printable ASCII without spaces (percent-encode the rest)');

/**
 * A browser-side pane: `preview` loads http://127.0.0.1:<port><path> as seen from inside the learner's sandbox (page
 * and raw response); `websocket` opens ws://127.0.0.1:<port><path> there and shows the handshake and messages. The
 * port and path are the defaults the pane opens with; the learner can change them. `wire` shows every TCP and UDP
 * segment on the workspace's loopback; its port is the lesson's server's, whose endpoint it names "server" (its path
 * is not used).
 */
export const labPaneSchema = z.strictObject({
  kind: z.enum(['preview', 'websocket', 'wire']),
  id: terminalIdSchema,
  title: localizedTextSchema,
  port: portSchema,
  path: requestPathSchema.default('/'),
});

export const labManifestSchema = z
  .strictObject({
    terminals: z.array(labTerminalSchema).min(1).max(8),
    panes: z.array(labPaneSchema).max(4).default([]),
    /** What the learner is asked to do, seen by the backend as it happens (checks.ts). */
    checks: checksSchema,
  })
  .refine((m) => {
    const ids = [...m.terminals, ...m.panes].map((t) => t.id);
    return new Set(ids).size === ids.length;
  }, 'terminal and pane ids must be unique within a lab')
  .refine(
    (m) =>
      m.checks.every((check) =>
        check.when.every(
          (k) => k.kind !== 'output' || k.terminal === undefined || m.terminals.some((t) => t.id === k.terminal),
        ),
      ),
    'an output check names a terminal the lab has',
  )
  .refine(
    (m) => m.checks.every((c) => c.shownWith === undefined || m.terminals.some((t) => t.id === c.shownWith)),
    "a check's shownWith names a terminal the lab has",
  );

export type LocalizedText = z.infer<typeof localizedTextSchema>;
export type LabCommand = z.infer<typeof labCommandSchema>;
export type LabTerminal = z.infer<typeof labTerminalSchema>;
export type LabPane = z.infer<typeof labPaneSchema>;
export type LabManifest = z.infer<typeof labManifestSchema>;
