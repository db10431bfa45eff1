/**
 * What cacheset needs from a logger. Plain `(message, details)` calls, so that console, pino
 * (`(m, d) => pino.warn(d, m)`) or a test spy fit in one line.
 */
export interface CachesetLogger {
  warn(message: string, details?: Readonly<Record<string, unknown>>): void;
  error(message: string, details?: Readonly<Record<string, unknown>>): void;
}

export const consoleLogger: CachesetLogger = {
  warn(message, details) {
    if (details === undefined) console.warn(message);
    else console.warn(message, details);
  },
  error(message, details) {
    if (details === undefined) console.error(message);
    else console.error(message, details);
  },
};
