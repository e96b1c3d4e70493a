/**
 * The lab wire protocol (documented in docs/protocol.md). Both ends import this module: the backend validates every
 * message a browser sends, and the browser validates every message the backend sends. Terminal bytes never travel as
 * JSON; they go in binary frames (see frames.ts).
 */
import { z } from 'zod';
import { checkStateSchema } from './checks.ts';
import { portSchema, requestPathSchema, terminalIdSchema } from './lab-manifest.ts';
import { WIRE } from './limits.ts';
import { parseWithFriendlyErrors } from './errors.ts';
import { FILE_ERROR_CODES, fileClientMessages, fileServerMessages } from './files.ts';
import { captureClientMessages, captureEvents } from './capture.ts';

export const PROTOCOL_VERSION = 1;

/** Where a lab page talks to the backend. */
export const LAB_PATHS = {
  /**
   * POST: make sure the browser has a learner id (cookie). An open lab mints one; a lab with a passcode answers 401
   * until the browser has joined.
   */
  session: '/_lab/session',
  /** POST (the join page's form): passcode, name, next; sets the learner cookie and leads on to `next`. */
  join: '/_lab/join',
  /** WebSocket: `?lab=<lab id>`. */
  socket: '/_lab/ws',
} as const;

/** Close codes (RFC 6455 section 7.4.2 leaves 4000-4999 to applications). */
export const CLOSE_CODES = {
  /** The workspace was reaped or its sandbox died; reconnecting gives a fresh one. */
  workspaceEnded: 4001,
  /** The workspace could not be created. */
  workspaceFailed: 4002,
  /** Too many messages arrived while the workspace was starting. */
  tooManyPending: 4003,
} as const;

export const ENCODINGS = ['utf-8', 'gb18030', 'big5', 'shift_jis', 'latin1'] as const;
export const encodingSchema = z.enum(ENCODINGS);
export type TerminalEncoding = z.infer<typeof encodingSchema>;

/** Job-control signals a learner can send; each is delivered the way the keyboard does it, through the terminal. */
const SIGNALS = ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const;
const signalSchema = z.enum(SIGNALS);
export type TerminalSignal = z.infer<typeof signalSchema>;

/** Panes are named like terminals. */
const paneIdSchema = terminalIdSchema;

const cols = z.int().min(2).max(500);
const rows = z.int().min(1).max(200);
const commandIndex = z.int().min(0).max(7);

const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('attach'), terminal: terminalIdSchema, cols, rows }),
  z.strictObject({ type: z.literal('resize'), terminal: terminalIdSchema, cols, rows }),
  z.strictObject({ type: z.literal('run'), terminal: terminalIdSchema, command: commandIndex }),
  z.strictObject({ type: z.literal('signal'), terminal: terminalIdSchema, signal: signalSchema }),
  z.strictObject({ type: z.literal('restart'), terminal: terminalIdSchema, command: commandIndex.optional() }),
  z.strictObject({ type: z.literal('encoding'), terminal: terminalIdSchema, encoding: encodingSchema }),
  z.strictObject({ type: z.literal('ack'), terminal: terminalIdSchema, bytes: z.int().min(1).max(10_000_000) }),
  z.strictObject({ type: z.literal('http-get'), pane: paneIdSchema, port: portSchema, path: requestPathSchema }),
  z.strictObject({ type: z.literal('http-cancel'), pane: paneIdSchema }),
  z.strictObject({ type: z.literal('ws-connect'), pane: paneIdSchema, port: portSchema, path: requestPathSchema }),
  z.strictObject({ type: z.literal('ws-send'), pane: paneIdSchema, text: z.string().max(WIRE.wsSendChars) }),
  z.strictObject({ type: z.literal('ws-disconnect'), pane: paneIdSchema }),
  /** "Reset files": the lesson's original files back, the learner's changes forgotten, the workspace started anew. */
  z.strictObject({ type: z.literal('reset-files') }),
  ...fileClientMessages,
  ...captureClientMessages,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type TerminalMessage = Extract<ClientMessage, { terminal: string }>;
export type PaneMessage = Extract<ClientMessage, { pane: string }>;
export type WorkspaceMessage = Extract<ClientMessage, { type: 'reset-files' }>;
export type FileMessage = Extract<ClientMessage, { type: 'files' | `file-${string}` }>;
export type CaptureMessage = Extract<ClientMessage, { type: `capture-${string}` }>;

export function isFileMessage(message: ClientMessage): message is FileMessage {
  return message.type === 'files' || message.type.startsWith('file-');
}

export function isCaptureMessage(message: ClientMessage): message is CaptureMessage {
  return message.type.startsWith('capture-');
}

const base64 = z.base64();
const at = z.number().int().nonnegative();

/** What happens in a pane, as it happens. Bytes are base64. */
const paneEventSchema = z.discriminatedUnion('kind', [
  /** The exact request the preview sent. */
  z.strictObject({ kind: z.literal('http-sent'), request: z.string() }),
  /** Response bytes as they arrived, framing and all. */
  z.strictObject({ kind: z.literal('http-raw'), data: base64 }),
  z.strictObject({
    kind: z.literal('http-head'),
    statusLine: z.string(),
    status: z.int(),
    headers: z.array(z.tuple([z.string(), z.string()])),
    /** How the body's end is known (RFC 9112 section 6.3). */
    framing: z.enum(['none', 'content-length', 'chunked', 'until-close']),
  }),
  /** Body bytes, de-chunked. */
  z.strictObject({ kind: z.literal('http-body'), data: base64 }),
  z.strictObject({
    kind: z.literal('http-end'),
    outcome: z.enum(['complete', 'closed', 'truncated', 'refused', 'cancelled', 'too-large', 'timeout', 'malformed']),
    detail: z.string(),
    elapsedMs: z.int().nonnegative(),
  }),
  z.strictObject({
    kind: z.literal('ws-handshake'),
    request: z.string(),
    response: z.string(),
    accepted: z.boolean(),
    problem: z.string(),
  }),
  z.strictObject({
    kind: z.literal('ws-message'),
    direction: z.enum(['in', 'out']),
    opcode: z.enum(['text', 'binary', 'ping', 'pong']),
    data: base64,
    at,
  }),
  z.strictObject({
    kind: z.literal('ws-closed'),
    code: z.int().nullable(),
    reason: z.string(),
    by: z.enum(['server', 'client', 'network']),
    at,
  }),
  ...captureEvents,
]);
export type PaneEvent = z.infer<typeof paneEventSchema>;
type PaneEventOf<K extends PaneEvent['kind']> = Extract<PaneEvent, { kind: K }>;
/** The pane's vocabulary, for the backend code that produces it: taken from the schema, never written again. */
export type PreviewOutcome = PaneEventOf<'http-end'>['outcome'];
export type Framing = PaneEventOf<'http-head'>['framing'];
export type WsOpcode = PaneEventOf<'ws-message'>['opcode'];
export type WsDirection = PaneEventOf<'ws-message'>['direction'];
export type WsClosedBy = PaneEventOf<'ws-closed'>['by'];

/**
 * `starting`: the shell is being started. `idle`: the shell waits at its prompt. `running`: a command runs in the
 * foreground. `exited`: the shell itself ended (Restart starts a new one).
 */
const terminalStatusSchema = z.enum(['starting', 'idle', 'running', 'exited']);
export type TerminalStatus = z.infer<typeof terminalStatusSchema>;

const ERROR_CODES = [
  'bad-message',
  'unknown-terminal',
  'unknown-pane',
  'not-connected',
  'not-attached',
  'unknown-command',
  'busy',
  'workspace-failed',
  'internal',
  ...FILE_ERROR_CODES,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const channel = z.int().min(0).max(255);
const exitCode = z.int().nullable();

const serverMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('hello'),
    /** Any version parses, so that a page built for another one can tell the learner to reload. */
    protocol: z.int().positive(),
    maxPayload: z.int().positive(),
  }),
  /** The browser clears that terminal's screen; the replay of recent output follows as binary frames. */
  z.strictObject({
    type: z.literal('attached'),
    terminal: terminalIdSchema,
    channel,
    encoding: encodingSchema,
    status: terminalStatusSchema,
    exitCode,
  }),
  z.strictObject({ type: z.literal('status'), terminal: terminalIdSchema, status: terminalStatusSchema, exitCode }),
  z.strictObject({
    type: z.literal('detached'),
    terminal: terminalIdSchema,
    /** `replaced`: the same learner opened this terminal elsewhere (another tab). */
    reason: z.enum(['replaced', 'workspace-ended']),
  }),
  z.strictObject({
    type: z.literal('error'),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    terminal: terminalIdSchema.optional(),
    pane: paneIdSchema.optional(),
    /** The file an editor request was about. */
    path: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('pane'), pane: paneIdSchema, event: paneEventSchema }),
  /** Where each of the lab's checks stands for this learner: sent once the workspace is ready. */
  z.strictObject({ type: z.literal('checks'), checks: z.array(checkStateSchema).max(64) }),
  /** A check just passed (it stays passed). */
  z.strictObject({ type: z.literal('check-passed'), check: checkStateSchema }),
  ...fileServerMessages,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parseJson<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const result = parseWithFriendlyErrors(schema, value);
  return result.ok ? { ok: true, message: result.data } : result;
}

export function parseClientMessage(text: string): ParseResult<ClientMessage> {
  return parseJson(clientMessageSchema, text);
}

export function parseServerMessage(text: string): ParseResult<ServerMessage> {
  return parseJson(serverMessageSchema, text);
}
