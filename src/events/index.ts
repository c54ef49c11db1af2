/**
 * Events in EventBridge's languages: event patterns (matching) and schedule expressions
 * (cron/rate/at validation and fire times). Rules, targets and the bus come with the
 * events issue.
 */
export { compileEventPattern, matchesEventPattern, validateEventPattern } from './event-pattern.ts';
export type { CompiledEventPattern } from './event-pattern.ts';
export { InvalidEventError, InvalidEventPatternError } from './event-pattern-errors.ts';
export { nextFireTimes, parseScheduleExpression, previousFireTimes, validateScheduleExpression, validateSchedulerOptions } from './schedule-expression.ts';
export type { FireTimeWindow, FlexibleTimeWindow, ScheduleExpression, SchedulerOptions, ValidateScheduleOptions } from './schedule-expression.ts';
export { InvalidScheduleExpressionError, InvalidScheduleOptionsError } from './schedule-errors.ts';
export type { ScheduleKind } from './schedule-errors.ts';
export { DEFAULT_EVENT_ACCOUNT, DEFAULT_EVENT_REGION, objectCreatedEvent, objectDeletedEvent } from './object-event.ts';
export type { ObjectCreatedEvent, ObjectCreatedInput, ObjectDeletedEvent, ObjectDeletedInput, ObjectEvent } from './object-event.ts';
export { InvalidS3NotificationError, decodeS3Key, encodeS3Key, parseS3Notification } from './s3-notification.ts';
export type { ParseS3NotificationOptions } from './s3-notification.ts';
export { isLandingTempName, watchLandingDirectory } from './local-object-watcher.ts';
export type { LandingObject, LandingWatcher, WatchLandingDirectoryOptions } from './local-object-watcher.ts';
export { ScheduleRunner } from './scheduler.ts';
export type { MissedFirePolicy, MissedFires, ScheduleDefinition, ScheduleFire, ScheduleRunnerError, ScheduleRunnerOptions } from './scheduler.ts';
export { FileScheduleStateStore, MemoryScheduleStateStore, ScheduleStateCorruptError } from './scheduler-state.ts';
export type { ScheduleStateStore } from './scheduler-state.ts';
export { systemClock } from './scheduler-clock.ts';
export type { SchedulerClock } from './scheduler-clock.ts';
export { ManualSchedulerClock } from './scheduler-manual-clock.ts';
