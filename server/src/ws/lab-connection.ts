/**
 * One browser page's WebSocket to its workspace. It leases the learner's workspace for the lab, attaches what the page
 * asks to see and turns the page's messages into actions on it. Every message is validated; a bad one gets an error
 * back and changes nothing.
 */
import WebSocket from 'ws';
import { PaneError, PaneSessions } from '../panes/pane-sessions.ts';
import { CapturePanes } from '../capture/capture-panes.ts';
import { decodeFrame } from '#protocol/frames.ts';
import {
  CLOSE_CODES,
  isCaptureMessage,
  isFileMessage,
  parseClientMessage,
  PROTOCOL_VERSION,
  type ErrorCode,
  type ServerMessage,
  type TerminalMessage,
} from '#protocol/messages.ts';
import { SessionError, type DetachReason } from '../terminal/session-contract.ts';
import type { Attachment, AttachmentOutlet } from './attachment.ts';
import { TerminalAttachment } from './terminal-attachment.ts';
import { FileError } from '../workspace/file-error.ts';
import type { ConnectionContext, LabWorkspace, LabWorkspaces } from './connection-context.ts';
import { FileRequests } from './file-requests.ts';
import { WIRE } from '#protocol/limits.ts';

const BINARY = { binary: true } as const;

type About = { terminal?: string; pane?: string; path?: string };
type Lease = Awaited<ReturnType<LabWorkspaces['acquire']>>;
type Close = { code: number; reason: string };

const WORKSPACE_ENDED: Close = { code: CLOSE_CODES.workspaceEnded, reason: 'workspace ended' };

export class LabConnection {
  readonly #ws: WebSocket;
  readonly #context: ConnectionContext;
  readonly #heartbeat: NodeJS.Timeout;
  /** What the page shows, by id and by channel; only #attach and #detach change them. */
  readonly #attachments = new Map<string, Attachment>();
  readonly #channels = new Map<number, Attachment>();
  #lease: Lease | null = null;
  #panes: PaneSessions | null = null;
  #captures: CapturePanes | null = null;
  #files: FileRequests | null = null;
  #unsubscribeChecks: (() => void) | null = null;
  /** Messages that arrived before the workspace was ready; null once it is (or the connection ended). */
  #pending: { data: Buffer; isBinary: boolean }[] | null = [];
  #alive = true;
  #ended = false;
  readonly #outlet: AttachmentOutlet = {
    frame: (frame, sent) => {
      if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(frame, BINARY, sent);
      // A frame that will never leave frees its buffer all the same.
      else process.nextTick(sent);
    },
    backlog: () => this.#ws.bufferedAmount,
    message: (message) => this.#send(message),
    detached: (attachment, reason) => {
      if (reason === 'workspace-ended') this.#end(WORKSPACE_ENDED, reason);
      else this.#detach(attachment, reason);
    },
  };

  constructor(ws: WebSocket, context: ConnectionContext) {
    this.#ws = ws;
    this.#context = context;
    this.#heartbeat = setInterval(() => this.#beat(), context.heartbeatMs);
    ws.on('pong', () => (this.#alive = true));
    ws.on('error', (error) => context.log.warn('websocket error', { lab: context.lab.id, error: error.message }));
    ws.on('close', () => this.#end(null));
    ws.on('message', (data: Buffer, isBinary: boolean) => this.#receive(data, isBinary));
    this.#send({ type: 'hello', protocol: PROTOCOL_VERSION, maxPayload: context.maxPayload });
    context.registry.acquire(context.learnerId, context.lab).then(
      (lease) => this.#ready(lease),
      (error: unknown) => {
        context.log.error('workspace unavailable', { lab: context.lab.id, error: String(error) });
        this.#fail('workspace-failed', `the workspace could not be started: ${(error as Error).message}`);
        this.#end({ code: CLOSE_CODES.workspaceFailed, reason: 'workspace failed' });
      },
    );
  }

  #beat(): void {
    if (!this.#alive) {
      this.#context.log.info('dropping a silent connection', { lab: this.#context.lab.id });
      this.#ws.terminate();
      return;
    }
    this.#alive = false;
    this.#ws.ping();
  }

  #ready(lease: Lease): void {
    if (this.#ended) {
      lease.release();
      return;
    }
    this.#lease = lease;
    const { workspace } = lease;
    // The workspace can end under this connection (reaped, or its sandbox killed by the learner): the page
    // reconnects and gets a fresh one, whether or not it showed a terminal.
    workspace.ended.then(
      () => this.#end(WORKSPACE_ENDED, 'workspace-ended'),
      (error: unknown) => this.#context.log.error('workspace end', { error: String(error) }),
    );
    this.#panes = new PaneSessions({
      panes: this.#context.lab.manifest.panes,
      connect: (port) => workspace.connect(port),
      browser: this.#context.browser,
      send: (message) => this.#send(message),
    });
    this.#captures = new CapturePanes({
      panes: this.#context.lab.manifest.panes,
      captures: workspace.captures,
      send: (pane, event) => this.#send({ type: 'pane', pane, event }),
      log: this.#context.log,
    });
    this.#files = new FileRequests({
      files: workspace.files,
      send: (message) => this.#send(message),
      report: (error, path, what) => this.#report(error, path ? { path } : {}, what),
    });
    this.#send({ type: 'checks', checks: workspace.checks.states() });
    this.#unsubscribeChecks = workspace.checks.subscribe((check) => this.#send({ type: 'check-passed', check }));
    const queued = this.#pending ?? [];
    this.#pending = null;
    for (const message of queued) {
      if (this.#ended) return;
      this.#handle(workspace, message.data, message.isBinary);
    }
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (this.#ended) return;
    if (this.#pending) {
      if (this.#pending.length >= WIRE.pendingMessages) {
        this.#end({ code: CLOSE_CODES.tooManyPending, reason: 'too many messages before the workspace was ready' });
        return;
      }
      this.#pending.push({ data, isBinary });
      return;
    }
    if (this.#lease) this.#handle(this.#lease.workspace, data, isBinary);
  }

  #handle(workspace: LabWorkspace, data: Buffer, isBinary: boolean): void {
    let about: About = {};
    let what = 'that message';
    try {
      if (isBinary) {
        const frame = decodeFrame(data);
        const attachment = frame && this.#channels.get(frame.channel);
        if (!frame || !attachment) {
          this.#fail('not-attached', 'terminal input for a channel this connection has not attached');
          return;
        }
        about = { terminal: attachment.id };
        what = 'input';
        attachment.input(frame.payload);
        return;
      }
      const parsed = parseClientMessage(data.toString('utf8'));
      if (!parsed.ok) {
        this.#fail('bad-message', parsed.error.slice(0, 500));
        return;
      }
      const message = parsed.message;
      what = `"${message.type}"`;
      if (message.type === 'reset-files') {
        this.#resetFiles();
      } else if (isFileMessage(message)) {
        about = 'path' in message ? { path: message.path } : {};
        this.#files?.handle(message);
      } else if (isCaptureMessage(message)) {
        about = { pane: message.pane };
        this.#captures?.handle(message);
      } else if ('pane' in message) {
        about = { pane: message.pane };
        this.#panes?.handle(message);
      } else {
        about = { terminal: message.terminal };
        this.#terminalMessage(workspace, message, what);
      }
    } catch (error) {
      this.#report(error, about, what);
    }
  }

  #terminalMessage(workspace: LabWorkspace, message: TerminalMessage, what: string): void {
    const about = { terminal: message.terminal };
    if (message.type === 'attach') {
      const session = workspace.terminal(message.terminal);
      if (!session) {
        this.#fail('unknown-terminal', `lab ${this.#context.lab.id} has no terminal "${message.terminal}"`, about);
        return;
      }
      const attachment = new TerminalAttachment(session, this.#outlet);
      this.#attach(attachment);
      attachment.show({ cols: message.cols, rows: message.rows });
      return;
    }
    const attachment = this.#attachments.get(message.terminal);
    if (!attachment) {
      this.#fail('not-attached', `attach terminal "${message.terminal}" first`, about);
      return;
    }
    attachment.handle(message)?.catch((error: unknown) => this.#report(error, about, what));
  }

  #resetFiles(): void {
    const { registry, learnerId, lab, log } = this.#context;
    log.info('resetting files', { lab: lab.id });
    // The workspace ends (this socket closes with workspaceEnded and the page reconnects to a fresh one).
    registry.resetFiles(learnerId, lab).catch((error: unknown) => this.#report(error, {}, 'resetting the files'));
  }

  /** One attachment per id and per channel: a new one replaces whatever held either. */
  #attach(attachment: Attachment): void {
    const sameId = this.#attachments.get(attachment.id);
    if (sameId) this.#detach(sameId, null);
    const sameChannel = this.#channels.get(attachment.channel);
    if (sameChannel) this.#detach(sameChannel, null);
    this.#attachments.set(attachment.id, attachment);
    this.#channels.set(attachment.channel, attachment);
  }

  /** Lets `attachment` go, and tells the page why when there is a reason to give. */
  #detach(attachment: Attachment, reason: DetachReason | null): void {
    if (this.#attachments.get(attachment.id) !== attachment) return;
    this.#attachments.delete(attachment.id);
    this.#channels.delete(attachment.channel);
    attachment.release();
    if (reason) this.#send({ type: 'detached', terminal: attachment.id, reason });
  }

  /**
   * The one way this connection ends, whatever ended it. With a `reason`, each attachment's page view hears it
   * once, before the close: the workspace ends through several of them and its own `ended` at nearly the same time.
   */
  #end(close: Close | null, reason: DetachReason | null = null): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#heartbeat);
    for (const attachment of [...this.#attachments.values()]) this.#detach(attachment, reason);
    this.#pending = null;
    this.#panes?.close();
    this.#panes = null;
    this.#captures?.close();
    this.#captures = null;
    this.#files?.close();
    this.#files = null;
    this.#unsubscribeChecks?.();
    this.#unsubscribeChecks = null;
    this.#lease?.release();
    this.#lease = null;
    if (close) this.#ws.close(close.code, close.reason);
  }

  /** The one way a failed action reaches the page: a refusal with its own code, or a fault of ours, also logged. */
  #report(error: unknown, about: About, what: string): void {
    if (error instanceof SessionError || error instanceof PaneError || error instanceof FileError) {
      this.#fail(error.code, error.message, about);
      return;
    }
    this.#context.log.error(`${what} failed`, { lab: this.#context.lab.id, ...about, error: String(error) });
    this.#fail('internal', `${what} failed in the backend; see its log`, about);
  }

  #fail(code: ErrorCode, message: string, about: About = {}): void {
    this.#send({ type: 'error', code, message, ...about });
  }

  #send(message: ServerMessage): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
  }
}
