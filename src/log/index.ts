import winston from 'winston';
import { isSecretKey, redactText, redactValue } from './redact.js';

export { maskNumber, redactText } from './redact.js';
export type Logger = winston.Logger;

const Reserved = new Set(['level', 'message', 'timestamp']);

/** Scrubs secrets from the message and every metadata field, whatever a caller passed in. */
const redact = winston.format((info) => {
  info.message = typeof info.message === 'string' ? redactText(info.message) : redactValue(info.message);
  for (const key of Object.keys(info)) {
    if (Reserved.has(key)) continue;
    info[key] = isSecretKey(key) ? '[redacted]' : redactValue(info[key]);
  }
  return info;
});

export interface LoggerOptions {
  level?: string;
  service?: string;
  /** Extra transports (tests capture lines with a stream transport). */
  transports?: winston.transport[];
}

/** JSON lines on stdout; child loggers carry callId, channelId, queue, agent, campaign. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    defaultMeta: { service: options.service ?? 'tongdai' },
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    transports: options.transports ?? [new winston.transports.Console({ stderrLevels: ['error'] })],
  });
}

/** A logger that keeps nothing: for tests and benchmarks that measure without logging. */
export function silentLogger(): Logger {
  return winston.createLogger({
    silent: true,
    transports: [new winston.transports.Console({ silent: true })],
  });
}
