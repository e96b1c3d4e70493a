/**
 * The build step that turns the runnable snippets of a lesson (snippet-meta.ts has their syntax) into the code block
 * followed by a button, "Run in <terminal>" / "在「<终端名>」中运行", and a line for what happened. The button's words
 * and the terminal's title are the page's language, put in at build time, so the markup is complete without
 * JavaScript; lab/lab-element.ts makes the buttons work. A snippet the lesson's lab cannot run fails the build.
 *
 * It is a Sätteri mdast plugin (Astro's Markdown and MDX processor), added by the integration at the end.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { labManifestSchema, type LabManifest } from '#protocol/lab-manifest.ts';
import { mark } from '../components/lab/selectors.ts';
import type { CourseLang } from '../components/lab/view-config.ts';
import { fillIn } from '../components/ui-strings.ts';
import { parseSnippetMeta, snippetProblem } from './snippet-meta.ts';
import { snippetStringsSchema, type SnippetStrings } from './snippet-strings.ts';

export interface RunSnippetOptions {
  /** The project's root: lab manifests are in examples/<lab>/lab.json, the UI strings in src/content/i18n. */
  root: string;
  /** The course language of a lesson's file, from its path. */
  langOf(filePath: string): CourseLang;
}

/** The parts of Sätteri's plugin interface this step uses (satteri's own types: mdast-visitor.d.ts). */
interface CodeNode {
  type: 'code';
  lang?: string | null;
  meta?: string | null;
  value: string;
  position?: { start: { line: number } };
}
interface FactoryContext {
  fileURL: URL | undefined;
  data: { astro?: { frontmatter?: { lesson?: { lab?: unknown } } } };
}
type Properties = Record<string, string | boolean | string[]>;
interface ElementNode {
  type: 'paragraph';
  data: { hName: string; hProperties: Properties };
  children: (ElementNode | CodeNode | { type: 'text'; value: string })[];
}

/**
 * A node that becomes the HTML element `name` around `children`, block content included: a paragraph whose hName
 * says otherwise, as Starlight builds its asides.
 */
function element(name: string, properties: Properties, children: ElementNode['children']): ElementNode {
  return { type: 'paragraph', data: { hName: name, hProperties: properties }, children };
}

export function runSnippetsPlugin(options: RunSnippetOptions) {
  // Read on first use and kept for the build: every lesson asks for the same few files.
  const manifests = new Map<string, LabManifest>();
  const strings = new Map<CourseLang, SnippetStrings>();
  const manifestOf = (labId: string) => {
    let manifest = manifests.get(labId);
    if (!manifest) {
      const file = path.join(options.root, 'examples', labId, 'lab.json');
      manifest = labManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      manifests.set(labId, manifest);
    }
    return manifest;
  };
  const stringsOf = (lang: CourseLang) => {
    let found = strings.get(lang);
    if (!found) {
      const file = path.join(options.root, 'src', 'content', 'i18n', `${lang}.json`);
      found = snippetStringsSchema.parse(snippetKeysOf(JSON.parse(readFileSync(file, 'utf8'))));
      strings.set(lang, found);
    }
    return found;
  };

  return ({ fileURL, data }: FactoryContext) => {
    const filePath = fileURL ? fileURLToPath(fileURL) : 'a lesson';
    const lab = data.astro?.frontmatter?.lesson?.lab;
    const labId = typeof lab === 'string' ? lab : undefined;
    const lang = options.langOf(filePath);
    let count = 0;
    return {
      name: 'socket-lab-run-snippets',
      options: { position: true },
      code(node: Readonly<CodeNode>): ElementNode | undefined {
        const snippet = parseSnippetMeta(node.meta);
        if (!snippet) return undefined;
        const command = node.value.trim();
        const manifest = labId ? manifestOf(labId) : undefined;
        const problem = snippetProblem(snippet, command, labId, manifest);
        const terminal = manifest?.terminals.find((t) => t.id === snippet.terminal);
        if (problem || !terminal) {
          throw new Error(`${filePath}:${node.position?.start.line ?? '?'}: ${problem ?? 'no such terminal'}`);
        }
        const s = stringsOf(lang);
        const hintId = `snippet-${++count}-hint`;
        const interrupting = snippet.kind === 'interrupt';
        const button = element(
          'button',
          {
            type: 'button',
            className: ['lab-snippet-run'],
            disabled: true,
            ...mark('snippetRun', snippet.kind),
            ...(interrupting ? { 'aria-describedby': hintId } : {}),
          },
          [{ type: 'text', value: fillIn(s['snippet.runIn'], { title: terminal.title[lang] }) }],
        );
        const hint = interrupting
          ? [
              element('span', { className: ['lab-snippet-hint'], id: hintId }, [
                { type: 'text', value: s['snippet.interrupting'] },
              ]),
            ]
          : [];
        const note = element(
          'span',
          { className: ['lab-snippet-note'], role: 'status', 'aria-live': 'polite', ...mark('snippetNote') },
          [],
        );
        // The code block's frame is titled like the terminal it runs in, unless the author gave it a title.
        const title = terminal.title[lang].replace(/"/g, "'");
        const meta = /(^|\s)title=/.test(snippet.rest) ? snippet.rest : `${snippet.rest} title="${title}"`.trim();
        const code: CodeNode = { type: 'code', lang: node.lang ?? null, meta, value: command };
        return element(
          'div',
          { className: ['lab-snippet'], ...mark('snippet', snippet.terminal), ...mark('snippetCommand', command) },
          [code, element('div', { className: ['lab-snippet-bar', 'not-content'] }, [button, ...hint, note])],
        );
      },
    };
  };
}

/** The snippets' keys of an i18n file (which holds every component's strings). */
function snippetKeysOf(all: unknown): Record<string, unknown> {
  if (typeof all !== 'object' || all === null) return {};
  return Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith('snippet.')));
}

/** The integration that adds the step to Astro's Markdown processor, which MDX pages use too. */
export default function runSnippets(options: RunSnippetOptions): AstroIntegration {
  return {
    name: 'socket-lab-run-snippets',
    hooks: {
      'astro:config:setup': ({ config }) => {
        const processor = config.markdown.processor as { name: string; options?: { mdastPlugins?: unknown[] } };
        if (!processor.options?.mdastPlugins) {
          throw new Error(`runnable snippets need the Sätteri Markdown processor, not ${processor.name}`);
        }
        processor.options.mdastPlugins.push(runSnippetsPlugin(options));
      },
    },
  };
}
