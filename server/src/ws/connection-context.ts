/**
 * What a page's connection (lab-connection.ts) is given: the learner and lab it serves, the registry it leases their
 * workspace from, and the parts of that workspace it drives.
 */
import type { WorkspaceCaptures } from '../capture/workspace-captures.ts';
import type { WorkspaceChecks } from '../checks/workspace-checks.ts';
import type { Lab } from '../lessons/lab-catalog.ts';
import type { Logger } from '../log.ts';
import type { BrowserIdentity } from '../panes/browser-request.ts';
import type { Tunnel } from '../sandbox/tunnel.ts';
import type { TerminalSession } from '../terminal/terminal-session.ts';
import type { WorkspaceFiles } from '../workspace/workspace-files.ts';

/** What a connection uses of a workspace. */
export interface LabWorkspace {
  /** Resolves when the workspace can no longer run anything. */
  readonly ended: Promise<void>;
  terminal(id: string): TerminalSession | undefined;
  connect(port: number): Tunnel;
  readonly files: WorkspaceFiles;
  readonly captures: WorkspaceCaptures;
  readonly checks: Pick<WorkspaceChecks, 'states' | 'subscribe'>;
}

/** What a connection uses of the workspace registry. */
export interface LabWorkspaces {
  acquire(learnerId: string, lab: Lab): Promise<{ readonly workspace: LabWorkspace; release(): void }>;
  resetFiles(learnerId: string, lab: Lab): Promise<void>;
}

export interface ConnectionContext {
  learnerId: string;
  lab: Lab;
  registry: LabWorkspaces;
  heartbeatMs: number;
  maxPayload: number;
  /** The learner's browser, whose headers the panes' requests carry. */
  browser: BrowserIdentity;
  log: Logger;
}
