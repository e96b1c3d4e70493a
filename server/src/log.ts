/**
 * Structured log lines on stderr. A logger is created once by the entry point and handed to whatever logs; tests
 * pass one that records lines so they can check, say, that a refused upgrade was logged.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LogLine {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

export function createLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  const order: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (order[level] < order[minLevel]) return;
    const details = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"=]/.test(v) ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${details ? ` ${details}` : ''}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/**
 * Writes lines to `stream` (stdout, stderr) for as long as something reads them. Once a write fails (EPIPE: the
 * `| tee` or `| head` reading the log went away; EIO: the terminal closed), the lines are dropped and the lab goes
 * on serving. Unheard, the stream's 'error' would end the backend mid-class without its shutdown: no last save of
 * learners' work, its cgroups and disks left for the next start to remove.
 */
export function lineWriter(stream: NodeJS.WritableStream): (line: string) => void {
  let broken = false;
  stream.on('error', () => (broken = true));
  return (line) => {
    if (!broken) stream.write(line);
  };
}

/** A logger that keeps its lines, for tests and for the doctor's quiet checks. */
export function createRecordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const record =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      lines.push({ level, message, fields });
    };
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}
