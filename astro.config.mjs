// @ts-check
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';
import runSnippets from './src/markdown/run-snippets.ts';
import socketLabBackend from './server/src/astro-integration.ts';
import precompress from './server/src/precompress-integration.ts';

/**
 * One sidebar group per heading of the study note the course grows from (see the course outline), in the note's
 * order. A lesson joins its group by adding its slug; the link label comes from the lesson's frontmatter.
 * @type {NonNullable<import('@astrojs/starlight/types').StarlightUserConfig['sidebar']>}
 */
const sidebar = [
  {
    label: 'C/S结构与套接字',
    translations: { en: 'C/S and sockets' },
    items: [
      'lessons/01-first-client-server',
      'lessons/02-byte-stream',
      'lessons/03-bytes-and-text',
      'lessons/04-connection-lifecycle',
      'lessons/05-http-by-hand',
    ],
  },
  {
    label: '文件传输',
    translations: { en: 'File transfer' },
    items: ['lessons/06-file-transfer'],
  },
  {
    label: '多线程',
    translations: { en: 'Threads' },
    items: ['lessons/07-socketserver-threads', 'lessons/08-full-duplex-chat'],
  },
  {
    label: 'WebSocket',
    items: ['lessons/09-selectors-asyncio', 'lessons/10-websocket-from-scratch', 'lessons/11-websockets-library'],
  },
  {
    label: 'C# socket',
    items: ['lessons/12-csharp-sockets'],
  },
  {
    label: 'System.Net.HttpListener',
    items: ['lessons/13-httplistener'],
  },
  {
    label: 'More',
    items: ['lessons/14-more'],
  },
];

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  vite: {
    resolve: {
      // Starlight's search box imports Pagefind's UI on every page; the stand-in loads it when search is reached for.
      alias: [
        {
          find: /^@pagefind\/default-ui$/,
          replacement: fileURLToPath(new URL('./src/components/search/lazy-pagefind-ui.ts', import.meta.url)),
        },
      ],
    },
  },
  integrations: [
    starlight({
      title: 'Socket Lab',
      defaultLocale: 'root',
      locales: {
        root: { label: '简体中文', lang: 'zh-CN' },
        en: { label: 'English', lang: 'en' },
      },
      sidebar,
      customCss: ['./src/styles/fonts.css'],
      components: {
        // Lessons with a lab put the lab beside the text (src/components/lesson/LessonSplit.astro).
        TwoColumnContent: './src/components/overrides/TwoColumnContent.astro',
        // The sidebar marks the learner's progress (lessons done / in progress).
        Sidebar: './src/components/Sidebar.astro',
      },
    }),
    // Runnable snippets: a code block marked `run=<terminal>` gets a "Run in <terminal>" button (English pages are
    // the ones under en/).
    runSnippets({ root, langOf: (file) => (/[/\\]docs[/\\]en[/\\]/.test(file) ? 'en' : 'zh-CN') }),
    socketLabBackend(),
    precompress(),
  ],
});
