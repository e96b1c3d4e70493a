import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { defineCollection, reference } from 'astro:content';
import { posix } from 'node:path';
import { labManifestSchema } from '#protocol/lab-manifest.ts';
import { joinStringsSchema } from './components/join/join-strings.ts';
import { labStringsSchema } from './components/lab/lab-strings.ts';
import { lessonStringsSchema } from './components/lesson/lesson-strings.ts';
import { snippetStringsSchema } from './markdown/snippet-strings.ts';
import { progressStringsSchema } from './components/progress/progress-strings.ts';

/** Lesson frontmatter: where the lesson sits in the course and which lab it embeds. */
const lessonSchema = z.object({
  number: z.number().int().min(1).max(14),
  /** The study note's heading the lesson comes from, verbatim (e.g. "C/S结构与套接字"). */
  noteHeading: z.string().min(1),
  lab: reference('labs').optional(),
});

export const collections = {
  docs: defineCollection({
    loader: docsLoader(),
    schema: docsSchema({ extend: z.object({ lesson: lessonSchema.optional() }) }),
  }),
  // A lab's id is its folder name, the same id the backend uses, so `<Lab id="01-first-client-server" />` and
  // `lesson.lab` name the folder the sandbox copies.
  labs: defineCollection({
    loader: glob({ pattern: '*/lab.json', base: './examples', generateId: ({ entry }) => posix.dirname(entry) }),
    schema: labManifestSchema,
  }),
  i18n: defineCollection({
    loader: i18nLoader(),
    // The lab's, the lesson layout's, the snippets', the progress marks' and the join page's UI strings, typed and
    // checked from the same lists their pages read them by.
    schema: i18nSchema({
      extend: z
        .object({
          ...labStringsSchema.shape,
          ...joinStringsSchema.shape,
          ...lessonStringsSchema.shape,
          ...snippetStringsSchema.shape,
          ...progressStringsSchema.shape,
        })
        .partial(),
    }),
  }),
};
