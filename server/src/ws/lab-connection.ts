/**
 * One browser page's WebSocket to its workspace. It leases the learner's workspace for the lab, attaches the
 * terminals the page asks for, and turns messages into terminal actions. Every message is validated; a bad one gets an
 * error back and changes nothing.
 */
import WebSocket from 'ws';
import type { Logger } from '../log.ts';
import type { Lab } from '../lessons/lab-catalog.ts';
import { decodeFrame } from '../protocol/frames.ts';
import type { BrowserIdentity } from '../panes/browser-request.ts';
import { PaneError, PaneSessions } from '../panes/pane-sessions.ts';
import {
  CLOSE_CODES,
  parseClientMessage,
  PROTOCOL_VERSION,
  type ErrorCode,
  type ServerMessage,
  type TerminalMessage,
} from '../protocol/messages.ts';
import { SessionError, type TerminalSession, type TerminalSink } from '../terminal/terminal-session.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { Lease, WorkspaceRegistry } from '../workspace/workspace-registry.ts';

const MAX_PENDING_MESSAGES = 64;

export interface ConnectionContext {
  learnerId: string;
  lab: Lab;
  registry: WorkspaceRegistry;
  heartbeatMs: number;
  maxPayload: number;
  /** The learner's browser, whose headers the panes' requests carry. */
  browser: BrowserIdentity;
  log: Logger;
}

interface Attachment {
  session: TerminalSession;
  sink: TerminalSink;
}

export function serveLabConnection(ws: WebSocket, context: ConnectionContext): void {
  const { log } = context;
  const attachments = new Map<string, Attachment>();
  const byChannel = new Map<number, Attachment>();
  let lease: Lease | null = null;
  let panes: PaneSessions | null = null;
  let pending: { data: Buffer; isBinary: boolean }[] | null = [];
  let alive = true;
  let cleanedUp = false;

  const send = (message: ServerMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const fail = (code: ErrorCode, message: string, about: { terminal?: string; pane?: string } = {}) => {
    send({ type: 'error', code, message, ...about });
  };

  const detach = (terminal: string) => {
    const attachment = attachments.get(terminal);
    if (!attachment) return;
    attachments.delete(terminal);
    byChannel.delete(attachment.session.channel);
    attachment.session.detach(attachment.sink);
  };

  /** The one way this connection ends, whatever ended it. */
  const cleanup = () => {
    if (cleanedUp) return;
    cleanedUp = true;
    clearInterval(heartbeat);
    for (const terminal of [...attachments.keys()]) detach(terminal);
    pending = null;
    panes?.close();
    panes = null;
    lease?.release();
    lease = null;
  };

  const heartbeat = setInterval(() => {
    if (!alive) {
      log.info('dropping a silent connection', { lab: context.lab.id });
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, context.heartbeatMs);

  ws.on('pong', () => (alive = true));
  ws.on('error', (error) => log.warn('websocket error', { lab: context.lab.id, error: error.message }));
  ws.on('close', cleanup);

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (pending) {
      if (pending.length >= MAX_PENDING_MESSAGES) {
        ws.close(CLOSE_CODES.tooManyPending, 'too many messages before the workspace was ready');
        return;
      }
      pending.push({ data, isBinary });
      return;
    }
    if (lease) handle(lease.workspace, data, isBinary);
  });

  send({ type: 'hello', protocol: PROTOCOL_VERSION, maxPayload: context.maxPayload });

  context.registry.acquire(context.learnerId, context.lab).then(
    (acquired) => {
      if (cleanedUp) {
        acquired.release();
        return;
      }
      lease = acquired;
      // The workspace can end under this connection (reaped, or its sandbox killed by the learner): the page
      // reconnects and gets a fresh one, whether or not it showed a terminal.
      acquired.workspace.ended.then(
        () => ws.close(CLOSE_CODES.workspaceEnded, 'workspace ended'),
        (error: unknown) => log.error('workspace end', { error: String(error) }),
      );
      panes = new PaneSessions({
        panes: context.lab.manifest.panes,
        connect: (port) => acquired.workspace.connect(port),
        browser: context.browser,
        send,
      });
      const queued = pending ?? [];
      pending = null;
      for (const message of queued) handle(acquired.workspace, message.data, message.isBinary);
    },
    (error: unknown) => {
      log.error('workspace unavailable', { lab: context.lab.id, error: String(error) });
      fail('workspace-failed', `the workspace could not be started: ${(error as Error).message}`);
      ws.close(CLOSE_CODES.workspaceFailed, 'workspace failed');
    },
  );

  function handle(workspace: Workspace, data: Buffer, isBinary: boolean): void {
    let about: { terminal?: string; pane?: string } = {};
    try {
      if (isBinary) {
        const frame = decodeFrame(data);
        const attachment = frame && byChannel.get(frame.channel);
        if (!frame || !attachment) {
          fail('not-attached', 'terminal input for a channel this connection has not attached');
          return;
        }
        about = { terminal: attachment.session.id };
        attachment.session.input(frame.payload);
        return;
      }
      const parsed = parseClientMessage(data.toString('utf8'));
      if (!parsed.ok) {
        fail('bad-message', parsed.error.slice(0, 500));
        return;
      }
      const message = parsed.message;
      if (message.type === 'reset-files') {
        resetFiles();
        return;
      }
      about = 'pane' in message ? { pane: message.pane } : { terminal: message.terminal };
      if ('pane' in message) panes?.handle(message);
      else dispatch(workspace, message);
    } catch (error) {
      if (error instanceof SessionError || error instanceof PaneError) {
        fail(error.code, error.message, about);
        return;
      }
      // A fault of ours, not of the message: report it to the page and the log, and keep serving.
      log.error('message handling failed', { error: String(error) });
      fail('internal', 'the backend could not do that; see its log', about);
    }
  }

  function resetFiles(): void {
    log.info('resetting files', { lab: context.lab.id });
    // The workspace ends (this socket closes with workspaceEnded and the page reconnects to a fresh one).
    context.registry.resetFiles(context.learnerId, context.lab).catch((error: unknown) => {
      log.error('could not reset files', { lab: context.lab.id, error: String(error) });
      fail('internal', 'the files could not be reset; see the backend log');
    });
  }

  function dispatch(workspace: Workspace, message: TerminalMessage): void {
    const { terminal } = message;
    if (message.type === 'attach') {
      const session = workspace.terminal(terminal);
      if (!session) {
        fail('unknown-terminal', `lab ${context.lab.id} has no terminal "${terminal}"`, { terminal });
        return;
      }
      detach(terminal);
      const sink: TerminalSink = {
        output: (frame, sent) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: true }, sent);
        },
        backlog: () => ws.bufferedAmount,
        control: (notice) => {
          if (notice.type === 'detached' && attachments.get(terminal)?.sink === sink) {
            attachments.delete(terminal);
            byChannel.delete(session.channel);
          }
          send(notice);
          if (notice.type === 'detached' && notice.reason === 'workspace-ended') {
            ws.close(CLOSE_CODES.workspaceEnded, 'workspace ended');
          }
        },
      };
      const attachment = { session, sink };
      attachments.set(terminal, attachment);
      byChannel.set(session.channel, attachment);
      session.attach(sink, { cols: message.cols, rows: message.rows });
      return;
    }
    const attachment = attachments.get(terminal);
    if (!attachment) {
      fail('not-attached', `attach terminal "${terminal}" first`, { terminal });
      return;
    }
    const { session } = attachment;
    switch (message.type) {
      case 'resize':
        session.resize({ cols: message.cols, rows: message.rows });
        break;
      case 'run':
        session.run(message.command);
        break;
      case 'signal':
        session.signal(message.signal);
        break;
      case 'restart':
        session.restart(message.command).catch((error: unknown) => {
          if (error instanceof SessionError) {
            fail(error.code, error.message, { terminal });
            return;
          }
          log.error('terminal restart failed', { terminal, error: String(error) });
          fail('internal', 'the terminal could not be restarted; see the backend log', { terminal });
        });
        break;
      case 'encoding':
        session.setEncoding(message.encoding);
        break;
      case 'ack':
        session.ack(message.bytes);
        break;
    }
  }
}
