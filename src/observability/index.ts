export { createLogger, silentLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { Metrics } from './metrics.ts';
export type { HistogramSummary } from './metrics.ts';
