/**
 * The split between a lesson's text and its lab, as pure state: the text column's share of the width, in percent,
 * kept within what leaves both sides usable. The divider (lesson-split.ts) moves it; localStorage keeps it.
 */

/** localStorage keys: the text's share, and whether the learner folded Starlight's sidebar away. */
export const SPLIT_KEY = 'socket-lab:split';
export const SIDEBAR_KEY = 'socket-lab:sidebar-collapsed';

export const SPLIT = {
  /** The text's share when the learner has not chosen: the lab gets the larger side, for 80-column terminals. */
  defaultShare: 42,
  min: 25,
  max: 70,
  /** What an arrow key moves the divider by; Page Up / Page Down move it by `bigStep`. */
  step: 2,
  bigStep: 10,
} as const;

/**
 * A stored share: a decimal number as text. Checked by hand rather than with zod: this runs on every lesson page as it
 * loads, before the lab's code, and even zod's small build would make that script ten times heavier.
 */
const SHARE_TEXT = /^\s*\d{1,3}(?:\.\d+)?\s*$/;

/** `share` kept within the bounds, rounded to a tenth of a percent. */
export function clampShare(share: number): number {
  const bounded = Math.min(SPLIT.max, Math.max(SPLIT.min, share));
  return Math.round(bounded * 10) / 10;
}

/** The stored share, or the default when there is none or it is not a number. */
export function storedShare(value: string | null): number {
  if (value === null) return SPLIT.defaultShare;
  return SHARE_TEXT.test(value) ? clampShare(Number(value)) : SPLIT.defaultShare;
}

/** The share for a pointer at `x` over a split box from `left` spanning `width` pixels (right-to-left: mirrored). */
export function shareAtPointer(x: number, left: number, width: number, rtl = false): number {
  if (width <= 0) return SPLIT.defaultShare;
  const fromStart = rtl ? left + width - x : x - left;
  return clampShare((fromStart / width) * 100);
}

/** The keys a separator answers to (the WAI-ARIA window splitter pattern), and where each moves it. */
export function shareAfterKey(share: number, key: string, rtl = false): number | null {
  const towardsEnd = rtl ? 'ArrowLeft' : 'ArrowRight';
  const towardsStart = rtl ? 'ArrowRight' : 'ArrowLeft';
  switch (key) {
    case towardsEnd:
      return clampShare(share + SPLIT.step);
    case towardsStart:
      return clampShare(share - SPLIT.step);
    case 'PageUp':
      return clampShare(share + SPLIT.bigStep);
    case 'PageDown':
      return clampShare(share - SPLIT.bigStep);
    case 'Home':
      return SPLIT.min;
    case 'End':
      return SPLIT.max;
    default:
      return null;
  }
}
