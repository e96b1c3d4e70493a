/**
 * Workspace slots: slot N runs as host uid/gid base+N (lab.ts identityFor), so nothing alive at once shares one. The
 * registry takes one per workspace and the sandbox pool one per sandbox it keeps ready (a workspace made from that
 * sandbox keeps its slot); each is freed once the last process of what held it is gone. The lowest free one is taken.
 */
export class Slots {
  readonly #taken = new Set<number>();

  take(): number {
    let slot = 1;
    while (this.#taken.has(slot)) slot += 1;
    this.#taken.add(slot);
    return slot;
  }

  free(slot: number): void {
    this.#taken.delete(slot);
  }
}
