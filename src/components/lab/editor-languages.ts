/**
 * The language of a file, by its name: each is its own chunk, loaded when the first file of it opens. Python,
 * TypeScript and JavaScript have their Lezer grammars; C# is CodeMirror 5's clike mode. Anything else is plain text.
 */
import type { Extension } from '@codemirror/state';

type Loader = () => Promise<Extension>;

const python: Loader = async () => (await import('@codemirror/lang-python')).python();
const script =
  (typescript: boolean): Loader =>
  async () =>
    (await import('@codemirror/lang-javascript')).javascript({ typescript });
const csharp: Loader = async () => {
  const [{ StreamLanguage }, { csharp: mode }] = await Promise.all([
    import('@codemirror/language'),
    import('@codemirror/legacy-modes/mode/clike'),
  ]);
  return StreamLanguage.define(mode);
};

const BY_EXTENSION: Record<string, Loader> = {
  py: python,
  ts: script(true),
  mts: script(true),
  cts: script(true),
  js: script(false),
  mjs: script(false),
  cjs: script(false),
  cs: csharp,
};

export function languageFor(path: string): Promise<Extension> {
  const extension = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[extension]?.() ?? Promise.resolve([]);
}
