/**
 * Every UI string the lab, the lesson layout, the snippets and the join page read exists in every language of the
 * course.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { JOIN_STRING_KEYS } from '../../src/components/join/join-strings.ts';
import { LAB_STRING_KEYS } from '../../src/components/lab/lab-strings.ts';
import { LESSON_STRING_KEYS } from '../../src/components/lesson/lesson-strings.ts';
import { SNIPPET_STRING_KEYS } from '../../src/markdown/snippet-strings.ts';

const I18N_DIR = path.join(import.meta.dirname, '..', '..', 'src', 'content', 'i18n');

for (const file of ['zh-CN.json', 'en.json']) {
  test(`${file} has every lab, lesson layout, snippet and join page string`, async () => {
    const strings = JSON.parse(await readFile(path.join(I18N_DIR, file), 'utf8')) as Record<string, unknown>;
    const missing = [...LAB_STRING_KEYS, ...LESSON_STRING_KEYS, ...SNIPPET_STRING_KEYS, ...JOIN_STRING_KEYS].filter(
      (key) => typeof strings[key] !== 'string',
    );
    assert.deepEqual(missing, []);
  });
}
