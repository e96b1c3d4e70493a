/**
 * The split lesson layout's behaviour (LessonSplit.astro): the divider follows a pointer or the arrow keys and is
 * remembered, and the sidebar switch folds Starlight's sidebar away and back, also remembered. Without this script the
 * page still shows text and lab side by side at the default split.
 */
import { clampShare, shareAfterKey, shareAtPointer, SIDEBAR_KEY, SPLIT_KEY, storedShare } from './split-state.ts';

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage full or blocked: the choice holds for this page, not the next.
  }
}

function setUpDivider(split: HTMLElement, divider: HTMLElement): void {
  const rtl = () => getComputedStyle(split).direction === 'rtl';
  const show = (share: number) => {
    split.style.setProperty('--lesson-text-share', `${share}%`);
    divider.setAttribute('aria-valuenow', String(share));
  };
  const current = () => Number(divider.getAttribute('aria-valuenow'));
  const keep = (share: number) => {
    show(share);
    writeStorage(SPLIT_KEY, String(share));
  };
  show(storedShare(readStorage(SPLIT_KEY)));

  divider.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    divider.setPointerCapture(event.pointerId);
    divider.toggleAttribute('data-dragging', true);
  });
  divider.addEventListener('pointermove', (event) => {
    if (!divider.hasPointerCapture(event.pointerId)) return;
    const box = split.getBoundingClientRect();
    show(shareAtPointer(event.clientX, box.left, box.width, rtl()));
  });
  const release = (event: PointerEvent) => {
    if (!divider.hasAttribute('data-dragging')) return;
    divider.toggleAttribute('data-dragging', false);
    if (divider.hasPointerCapture(event.pointerId)) divider.releasePointerCapture(event.pointerId);
    keep(clampShare(current()));
  };
  divider.addEventListener('pointerup', release);
  divider.addEventListener('pointercancel', release);
  divider.addEventListener('keydown', (event) => {
    const share = shareAfterKey(current(), event.key, rtl());
    if (share === null) return;
    event.preventDefault();
    keep(share);
  });
}

function setUpSidebarToggle(toggle: HTMLButtonElement): void {
  const root = document.documentElement;
  const show = (collapsed: boolean) => {
    root.toggleAttribute('data-sidebar-collapsed', collapsed);
    toggle.setAttribute('aria-expanded', String(!collapsed));
    toggle.textContent = (collapsed ? toggle.dataset['show'] : toggle.dataset['hide']) ?? '';
  };
  // The page has a sidebar to fold only if Starlight rendered one.
  if (!document.getElementById('starlight__sidebar')) return;
  show(readStorage(SIDEBAR_KEY) === 'true');
  toggle.hidden = false;
  toggle.addEventListener('click', () => {
    const collapsed = !root.hasAttribute('data-sidebar-collapsed');
    show(collapsed);
    writeStorage(SIDEBAR_KEY, String(collapsed));
  });
}

for (const split of document.querySelectorAll<HTMLElement>('[data-lesson-split]')) {
  const divider = split.querySelector<HTMLElement>('[data-divider]');
  if (divider) setUpDivider(split, divider);
  const toggle = split.querySelector<HTMLButtonElement>('[data-sidebar-toggle]');
  if (toggle) setUpSidebarToggle(toggle);
}
