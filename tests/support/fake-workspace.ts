/**
 * Workspaces without a sandbox, for testing what manages them: each creation, close and end is settled by the test.
 */
import type { Lab } from '../../server/src/lessons/lab-catalog.ts';
import type { ManagedWorkspace } from '../../server/src/workspace/workspace-entry.ts';
import type { WorkspaceSpec } from '../../server/src/workspace/workspace.ts';

export class FakeWorkspace implements ManagedWorkspace {
  readonly id: string;
  readonly spec: WorkspaceSpec;
  readonly ended: Promise<void>;
  /** Every setActive call, in order. */
  readonly activity: boolean[] = [];
  /** Every close call, in order. */
  readonly closes: { discard: boolean }[] = [];
  readonly #end: PromiseWithResolvers<void> = Promise.withResolvers();
  readonly #lastProcessGone: PromiseWithResolvers<void> = Promise.withResolvers();

  constructor(spec: WorkspaceSpec) {
    this.id = spec.id;
    this.spec = spec;
    this.ended = this.#end.promise;
  }

  setActive(active: boolean): void {
    this.activity.push(active);
  }

  /** Like a Workspace's: ends once its last process is gone (see finishClose), and then `ended` resolves too. */
  async close({ discard }: { discard: boolean }): Promise<void> {
    this.closes.push({ discard });
    await this.#lastProcessGone.promise;
    this.#end.resolve();
  }

  /** The sandbox dies under the workspace (a learner's `kill -9 -1`). */
  die(): void {
    this.#end.resolve();
  }

  /** The workspace's last process is gone: a close resolves (or rejects, for a failed cleanup). */
  finishClose(error?: Error): void {
    if (error) this.#lastProcessGone.reject(error);
    else this.#lastProcessGone.resolve();
  }
}

/** One workspace being made: the test starts it or makes it fail. */
export class FakeCreation {
  readonly spec: WorkspaceSpec;
  readonly promise: Promise<FakeWorkspace>;
  readonly #settle = Promise.withResolvers<FakeWorkspace>();

  constructor(spec: WorkspaceSpec) {
    this.spec = spec;
    this.promise = this.#settle.promise;
  }

  start(): FakeWorkspace {
    const workspace = new FakeWorkspace(this.spec);
    this.#settle.resolve(workspace);
    return workspace;
  }

  fail(error: Error): void {
    this.#settle.reject(error);
  }
}

/** A createWorkspace for the registry that records every creation for the test to settle. */
export class FakeWorkspaces {
  readonly creations: FakeCreation[] = [];

  readonly create = (spec: WorkspaceSpec): Promise<FakeWorkspace> => {
    const creation = new FakeCreation(spec);
    this.creations.push(creation);
    return creation.promise;
  };

  /** The latest creation. */
  get last(): FakeCreation {
    const creation = this.creations.at(-1);
    if (!creation) throw new Error('no workspace was created');
    return creation;
  }
}

/** A lab the registry can key workspaces by; nothing reads its folder or manifest. */
export function fakeLab(id: string): Lab {
  return { id, dir: `/nonexistent/${id}`, manifest: { terminals: [], panes: [], checks: [] } };
}

/** Lets every settled promise's callbacks run: fakes do no I/O, so after this the registry has caught up. */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
