/**
 * Starlight's search box loads Pagefind's UI (94 KB of script, 21 KB brotli) on every page as soon as the browser
 * is idle, although most page views never search. Its Search.astro imports the UI as `@pagefind/default-ui`;
 * astro.config.mjs points that one name here. This stand-in takes the same options and loads the real UI when the
 * learner reaches for search (pointer on or focus in the search button), or at the latest when the dialog opens, then
 * hands the options on: search works as before, its code comes only to those who use it.
 */

interface Options {
  /** Where the UI is built: inside the search dialog. */
  element: string;
}

type RealUi = new (options: Options) => unknown;

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- Starlight runs `new PagefindUI(options)`.
export class PagefindUI {
  constructor(options: Options) {
    const dialog = document.querySelector(options.element)?.closest('dialog');
    const button = dialog?.closest('site-search')?.querySelector('button[data-open-modal]');
    if (!dialog) return;
    let loading: Promise<void> | null = null;
    const load = () => {
      loading ??= (async () => {
        observer.disconnect();
        // @ts-expect-error -- the package ships no types (Starlight's own import of it says the same).
        const { PagefindUI: Real } = (await import('@pagefind/default-ui/npm_dist/mjs/ui-core.mjs')) as {
          PagefindUI: RealUi;
        };
        new Real(options);
        // The dialog focuses its input on opening, which did not exist yet if it opened before the UI was here.
        if (dialog.open) dialog.querySelector('input')?.focus();
      })();
    };
    const observer = new MutationObserver(() => dialog.open && load());
    observer.observe(dialog, { attributes: true, attributeFilter: ['open'] });
    button?.addEventListener('pointerenter', load, { once: true });
    button?.addEventListener('focus', load, { once: true });
    if (dialog.open) load();
  }
}
