/**
 * How a lab arranges its panes, as pure state: which arrangement the learner chose and the panes in the order they
 * were last looked at. "tabs" shows the most recent pane alone, large; "pair" the two most recent side by side (in
 * the lab's own order, so a pane does not jump from one side to the other); "grid" shows them all.
 */
import { z } from 'zod';

export const ARRANGEMENTS = ['tabs', 'pair', 'grid'] as const;
export const arrangementSchema = z.enum(ARRANGEMENTS);
export type Arrangement = z.infer<typeof arrangementSchema>;

/** The learner's choice of arrangement is kept across pages and visits, under this localStorage key. */
export const ARRANGEMENT_KEY = 'socket-lab:arrangement';
export const DEFAULT_ARRANGEMENT: Arrangement = 'tabs';

export interface LayoutState {
  readonly arrangement: Arrangement;
  /** Every pane's key, most recently looked at first. */
  readonly recent: readonly string[];
}

/** The state a lab starts in: its panes in their order, the first one in front. */
export function initialLayout(keys: readonly string[], arrangement: Arrangement): LayoutState {
  return { arrangement, recent: [...keys] };
}

/** The stored choice, or the default when there is none or it is not one (storage is input like any other). */
export function storedArrangement(value: string | null): Arrangement {
  const parsed = arrangementSchema.safeParse(value);
  return parsed.success ? parsed.data : DEFAULT_ARRANGEMENT;
}

/** `key` brought to the front; an unknown key changes nothing. */
export function focusPane(state: LayoutState, key: string): LayoutState {
  if (!state.recent.includes(key) || state.recent[0] === key) return state;
  return { ...state, recent: [key, ...state.recent.filter((k) => k !== key)] };
}

export function arrange(state: LayoutState, arrangement: Arrangement): LayoutState {
  return state.arrangement === arrangement ? state : { ...state, arrangement };
}

/** The pane in front: the one the tabs show as selected. */
export function frontPane(state: LayoutState): string | undefined {
  return state.recent[0];
}

/** The panes shown, in the lab's order (`order`). */
export function visiblePanes(state: LayoutState, order: readonly string[]): string[] {
  const count = { tabs: 1, pair: 2, grid: order.length }[state.arrangement];
  const shown = new Set(state.recent.slice(0, count));
  return order.filter((key) => shown.has(key));
}
