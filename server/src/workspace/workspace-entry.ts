/**
 * One workspace as the registry keeps it, and the states it goes through:
 *
 *   starting ──created──► ready ──reaped──► closing ──closed──► closed
 *      │  └──────────────reaped─────────────▲  │
 *      └──creation failed──► failed ◄───────────┘ creation failed (reaped while starting)
 *
 * Listed (found by learner and lab, counted against the limits): starting and ready. Holding a slot, and so a host
 * uid: every state but closed and failed, which are reached only once nothing of the workspace runs any more.
 */
import type { Lab } from '../lessons/lab-catalog.ts';

export type EntryState = 'starting' | 'ready' | 'closing' | 'closed' | 'failed';

const NEXT: Readonly<Record<EntryState, readonly EntryState[]>> = {
  starting: ['ready', 'closing', 'failed'],
  ready: ['closing'],
  closing: ['closed', 'failed'],
  closed: [],
  failed: [],
};

/** What the registry needs of a workspace: a Workspace, or a fake in tests. */
export interface ManagedWorkspace {
  readonly id: string;
  /** Resolves when the workspace can no longer run anything, whether closed or its sandbox died. */
  readonly ended: Promise<void>;
  /** Whether someone uses it now (its work is then saved every few seconds). */
  setActive(active: boolean): void;
  /** Ends everything in it; resolves once its last process is gone. Idempotent. */
  close(options: { discard: boolean }): Promise<void>;
}

export interface Entry<W extends ManagedWorkspace> {
  readonly key: string;
  readonly learnerId: string;
  readonly lab: Lab;
  readonly slot: number;
  /** The workspace being made; rejects when it could not be (and then nothing of it is left). */
  readonly created: Promise<W>;
  /** Changed only by the registry's transition function. */
  state: EntryState;
  leases: number;
  lastUsed: number;
  idleTimer: NodeJS.Timeout | null;
  /** Resolves on reaching closed or failed: the slot is free. */
  readonly gone: PromiseWithResolvers<void>;
}

export function canMove(from: EntryState, to: EntryState): boolean {
  return NEXT[from].includes(to);
}

export function isListed(state: EntryState): boolean {
  return state === 'starting' || state === 'ready';
}

export function holdsSlot(state: EntryState): boolean {
  return state !== 'closed' && state !== 'failed';
}
