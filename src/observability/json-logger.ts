import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/app-config.js';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Structured logs: one JSON object per line on stdout, with the request id when there is one.
 * Callers pass facts as fields; nothing here formats secrets, and config is logged masked.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    /** CLI commands print their own one-line error; stacks stay out of what a person reads there. */
    private readonly includeStacks = true,
  ) {}

  log(message: unknown, context?: string): void {
    this.emit('info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?); the stack stays in the server log only.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.emit('error', message, context, stack ? { stack } : {});
  }
  warn(message: unknown, context?: string): void {
    this.emit('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.emit('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.emit('debug', message, context);
  }

  /** A log line with structured fields, e.g. `logger.event('info', 'request', { status: 200 })`. */
  event(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    this.emit(level, msg, undefined, fields);
  }

  /**
   * A line that is a record for later checks rather than a diagnostic (an audit anchor): written
   * at level info whatever LOG_LEVEL says, so that turning diagnostics down never loses it.
   */
  record(msg: string, fields: Record<string, unknown> = {}): void {
    this.emit('info', msg, undefined, fields, true);
  }

  private emit(level: LogLevel, message: unknown, context?: string, fields: Record<string, unknown> = {}, always = false): void {
    if (!always && LEVEL_RANK[level] < LEVEL_RANK[this.level]) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (context) record.context = context;
    if (message instanceof Error) {
      record.msg = message.message;
      record.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(record, message);
    } else {
      record.msg = String(message);
    }
    const line = { ...record, ...fields };
    if (!this.includeStacks) delete line.stack;
    this.write(`${JSON.stringify(line)}\n`);
  }
}
