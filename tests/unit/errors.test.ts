import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { friendlyError, parseWithFriendlyErrors } from '#protocol/errors.ts';

const schema = z.strictObject({ port: z.int().min(1), panes: z.array(z.strictObject({ id: z.string() })) });

test('a line per problem, each naming where it is', () => {
  const parsed = parseWithFriendlyErrors(schema, { port: 0, panes: [{ id: 7 }], extra: true });
  assert.equal(parsed.ok, false);
  const lines = (parsed as { error: string }).error.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines.find((l) => l.startsWith('port: ')) ?? '', /port: .*>=\s*1/);
  assert.ok(lines.some((l) => l.startsWith('panes.0.id: ')));
  assert.ok(lines.some((l) => l.startsWith('the value: ') && l.includes('extra')));
});

test('the caller may name places its own way; good input passes through', () => {
  const result = schema.safeParse({ port: 0, panes: [] });
  assert.equal(result.success, false);
  if (!result.success)
    assert.match(
      friendlyError(result.error, (p) => `--${String(p[0])}`),
      /^--port: /,
    );
  assert.deepEqual(parseWithFriendlyErrors(schema, { port: 1, panes: [] }), { ok: true, data: { port: 1, panes: [] } });
});
