/**
 * Events in EventBridge's languages: event patterns, schedule expressions and the schedule
 * runner, an event bus with rules, targets, retries and dead letters, and S3 object events.
 * The runtime wires them into pipelines with the metriccare blueprint.
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
export { EventBus } from './event-bus.ts';
export type { EventBusOptions, EventBusRuleInfo } from './event-bus.ts';
export { PUT_EVENTS_MAX_BYTES, PUT_EVENTS_MAX_ENTRIES, putEventsEntrySize } from './event-bus-put-events.ts';
export type { EventBusEvent, PutEventsRequestEntry, PutEventsResult, PutEventsResultEntry } from './event-bus-put-events.ts';
export { DEFAULT_MAXIMUM_EVENT_AGE_SECONDS, DEFAULT_MAXIMUM_RETRY_ATTEMPTS } from './event-bus-rule.ts';
export type { EventBusRuleInput, EventBusRuleState, EventBusTarget, RetryPolicy } from './event-bus-rule.ts';
export { ObjectStoreDeadLetterSink } from './event-bus-dead-letter.ts';
export type { DeadLetterRecord, DeadLetterSink, ExhaustedCondition } from './event-bus-dead-letter.ts';
export { compileInputPath, compileInputTransformer } from './event-bus-input.ts';
export type { InputTransformer } from './event-bus-input.ts';
export { InvalidEventBusRuleError, InvalidTargetInputError, PutEventsRequestError } from './event-bus-errors.ts';
