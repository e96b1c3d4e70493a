/**
 * One way to say what is wrong with input a schema refused (a message, a manifest, a form, the configuration), as
 * Starlight's parseWithFriendlyErrors does: a line per problem, naming where it is in words the reader knows.
 */
import type { z } from 'zod';

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };

/** `describePath` names a place ("--port (or PORT)"); by default the field's path, dotted, or "the value". */
export function friendlyError(
  error: z.ZodError,
  describePath: (path: readonly PropertyKey[]) => string = dotted,
): string {
  return error.issues.map((issue) => `${describePath(issue.path)}: ${issue.message}`).join('\n');
}

export function parseWithFriendlyErrors<T>(
  schema: z.ZodType<T>,
  value: unknown,
  describePath?: (path: readonly PropertyKey[]) => string,
): Parsed<T> {
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, error: friendlyError(result.error, describePath) };
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'the value' : path.map(String).join('.');
}
