/**
 * Logging to stderr only: in stdio mode stdout carries protocol messages and nothing else.
 * One line per event; callers never pass the access key or a signature.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  readonly level: LogLevel;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  enabled(level: LogLevel): boolean;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const enabled = (at: LogLevel) => RANK[at] >= RANK[level] && at !== 'silent';
  const emit = (at: LogLevel, message: string) => {
    if (enabled(at)) write(`${new Date().toISOString()} rayvision-mcp ${at} ${message}\n`);
  };
  return {
    level,
    enabled,
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}

export const silentLogger: Logger = createLogger('silent');
