import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * The platform logger: JSON lines (pino) by default; readable, colourless lines when
 * `pretty` (the CLI turns it on for a terminal). Level from `LAKESTACK_LOG_LEVEL`, default info.
 * Logs go to stderr so stdout stays clean for query results and `--json` output.
 */
export function createLogger(options: { pretty?: boolean; level?: string; name?: string } = {}): Logger {
  const level = options.level ?? process.env.LAKESTACK_LOG_LEVEL ?? 'info';
  if (options.pretty) {
    return pino(
      { level, name: options.name ?? 'lakestack' },
      pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: false, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } }),
    );
  }
  return pino({ level, name: options.name ?? 'lakestack' }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
