/**
 * Runs server/sandbox/file_helper.py inside a workspace, as the learner, for each read and write the editor asks
 * for: the backend never opens a path of the learner's as root. The helper's source goes to python3 on stdin ahead
 * of the request, so the sandbox needs nothing bound for it and `ps` in a terminal shows one short line. Its answer
 * is parsed with zod like any other input.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseWithFriendlyErrors } from '#protocol/errors.ts';
import { FILE_ERROR_CODES, versionSchema } from '#protocol/files.ts';
import { FILES } from '#protocol/limits.ts';
import type { ProcessSpec } from '../sandbox/argv.ts';
import { FileError } from './file-error.ts';

/** What a write requires of the file first: still this version, no file at all, or nothing. */
export type WriteCondition = string | 'absent' | 'any';

export type HelperRequest =
  | { op: 'read'; path: string }
  | { op: 'write'; path: string; text: string; if: WriteCondition }
  | { op: 'versions'; paths: string[] };

const refusalSchema = z.strictObject({ ok: z.literal(false), code: z.enum(FILE_ERROR_CODES), message: z.string() });
const answerSchemas = {
  read: z.strictObject({ ok: z.literal(true), text: z.string(), version: versionSchema }),
  write: z.strictObject({ ok: z.literal(true), version: versionSchema }),
  versions: z.strictObject({ ok: z.literal(true), versions: z.record(z.string(), versionSchema.nullable()) }),
} as const;
type Answers = { [Op in keyof typeof answerSchemas]: z.infer<(typeof answerSchemas)[Op]> };

/** Reads the helper's source (its length goes first), then runs the rest of stdin as the request. */
const BOOTSTRAP = "import sys; exec(compile(sys.stdin.buffer.read(int(sys.argv[2])), 'file_helper.py', 'exec'))";
/** Its answer: a file's text escaped as JSON (at worst 6 bytes a byte), and room for the rest. */
const MAX_ANSWER_BYTES = FILES.maxBytes * 6 + 64 * 1024;

export type FileHelper = <R extends HelperRequest>(request: R) => Promise<Answers[R['op']]>;

/**
 * A helper for one workspace. `command` builds a process inside it as the learner (null once it has ended);
 * `filesDir` holds file_helper.py (the sandbox tools' files).
 */
export function fileHelper(command: (argv: readonly string[]) => ProcessSpec | null, filesDir: string): FileHelper {
  let source: Promise<Buffer> | null = null;
  const call = async (request: HelperRequest): Promise<unknown> => {
    source ??= readFile(path.join(filesDir, 'file_helper.py'));
    const code = await source;
    const spec = command(['/usr/bin/python3', '-I', '-c', BOOTSTRAP, String(FILES.maxBytes), String(code.length)]);
    const about = 'path' in request ? request.path : '';
    if (!spec) throw new FileError('io-error', about, 'the workspace has ended: reload the page for a new one');
    const output = await run(spec, Buffer.concat([code, Buffer.from(JSON.stringify(request), 'utf8')]));
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch (error) {
      throw new Error(`the file helper answered something that is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const refusal = refusalSchema.safeParse(value);
    if (refusal.success) throw new FileError(refusal.data.code, about, refusal.data.message);
    const answer = parseWithFriendlyErrors<unknown>(answerSchemas[request.op], value);
    if (!answer.ok) throw new Error(`the file helper's answer to ${request.op} is malformed: ${answer.error}`);
    return answer.data;
  };
  // Each request's answer was parsed with the schema of its op.
  return call as FileHelper;
}

/** Runs `spec` with `input` on stdin; resolves with its stdout, or rejects with why it failed. */
function run(spec: ProcessSpec, input: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.file, spec.args, { env: spec.env, cwd: spec.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let failure: string | null = null;
    const fail = (why: string) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    // A learner can stop the helper (kill -STOP): the request fails instead of waiting forever.
    const timer = setTimeout(() => fail(`it took longer than ${FILES.helperTimeoutMs} ms`), FILES.helperTimeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_ANSWER_BYTES) fail('its answer was too long');
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4096) err += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {}); // it may exit before reading all: its status says why
    child.on('error', (error) => fail(error.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) reject(new Error(`the file helper failed: ${failure}`));
      else if (code !== 0) reject(new Error(`the file helper failed (${signal ?? `status ${code}`}): ${err.trim()}`));
      else resolve(Buffer.concat(out).toString('utf8'));
    });
    child.stdin.end(input);
  });
}
