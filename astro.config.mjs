// @ts-check
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import socketLabBackend from './server/src/astro-integration.ts';

/**
 * One sidebar group per heading of the study note the course grows from (see the course outline), in the note's
 * order. A lesson joins its group by adding its slug; the link label comes from the lesson's frontmatter.
 * @type {NonNullable<import('@astrojs/starlight/types').StarlightUserConfig['sidebar']>}
 */
const sidebar = [
  {
    label: 'C/S结构与套接字',
    translations: { en: 'C/S and sockets' },
    items: ['lessons/01-first-client-server'],
  },
];

export default defineConfig({
  integrations: [
    starlight({
      title: 'Socket Lab',
      defaultLocale: 'root',
      locales: {
        root: { label: '简体中文', lang: 'zh-CN' },
        en: { label: 'English', lang: 'en' },
      },
      sidebar,
    }),
    socketLabBackend(),
  ],
});
