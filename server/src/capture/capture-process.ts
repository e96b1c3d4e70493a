/**
 * One running tcpdump (capture-argv.ts): its pcap stream read into records as it arrives, its readiness (tcpdump says
 * "listening on" once the socket is open: from then on nothing is missed) and its end. Stopping it is idempotent
 * and waits until the process is gone.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../log.ts';
import type { ProcessSpec } from '../sandbox/argv.ts';
import { PcapFormatError, PcapReader, type PcapHeader, type PcapRecord } from '#protocol/pcap.ts';

export interface CaptureHandlers {
  /** The capture is listening; the records that follow are everything the loopback carries from now on. */
  ready(): void;
  records(header: PcapHeader, records: PcapRecord[]): void;
  /** The process ended; `problem` says why when it was not asked to (its last line on stderr, or a format error). */
  ended(problem: string | null): void;
}

export interface CaptureProcess {
  /** Ends the capture and resolves once the process is gone. Idempotent; never rejects. */
  stop(): Promise<void>;
}

const STDERR_LIMIT = 4096;

export function startCapture(spec: ProcessSpec, handlers: CaptureHandlers, log: Logger): CaptureProcess {
  // Not detached: the process's parent must be the backend itself for --pdeathsig to follow the backend.
  const child = spawn(spec.file, spec.args, { env: spec.env, cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const reader = new PcapReader();
  let stderr = '';
  let stopping = false;
  let problem: string | null = null;
  let ready = false;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.on('error', (error) => {
    problem ??= error.message;
  });
  child.stdout.on('error', (error) => log.warn('capture output error', { error: error.message }));
  child.stderr.on('error', (error) => log.warn('capture stderr error', { error: error.message }));
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
    if (!ready && stderr.includes('listening on')) {
      ready = true;
      handlers.ready();
    }
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (stopping || problem) return;
    try {
      const records = reader.push(chunk);
      if (records.length > 0 && reader.header) handlers.records(reader.header, records);
    } catch (error) {
      if (!(error instanceof PcapFormatError)) throw error;
      problem = error.message;
      child.kill('SIGKILL');
    }
  });
  void exited.then(() => {
    const lastLine = stderr.trim().split('\n').at(-1) ?? '';
    handlers.ended(stopping ? null : (problem ?? (lastLine || `tcpdump exited (${child.exitCode})`)));
  });
  let stopped: Promise<void> | null = null;
  return {
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        // tcpdump keeps nothing worth flushing (every packet went out as it came), so it is killed outright.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      })();
      return stopped;
    },
  };
}
