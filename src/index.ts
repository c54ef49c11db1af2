/**
 * lakestack's public API: what a project file and a program embedding the platform use.
 */
export { defineProject, loadProject, resolveProject } from './config/index.ts';
export type { ProjectInput, ResolvedProject } from './config/index.ts';
export { createLakestack } from './runtime/create-lakestack.ts';
export type { Lakestack } from './runtime/create-lakestack.ts';
export { ConflictError, LakestackError, NotFoundError, TerminalError, TransientError, ValidationError } from './errors.ts';
export { compileEventPattern, matchesEventPattern, validateEventPattern } from './events/index.ts';
export type { CompiledEventPattern } from './events/index.ts';
export { InvalidEventError, InvalidEventPatternError } from './events/index.ts';
export { nextFireTimes, parseScheduleExpression, previousFireTimes, validateScheduleExpression, validateSchedulerOptions } from './events/index.ts';
export type { FireTimeWindow, FlexibleTimeWindow, ScheduleExpression, SchedulerOptions, ValidateScheduleOptions } from './events/index.ts';
export { InvalidScheduleExpressionError, InvalidScheduleOptionsError } from './events/index.ts';
export type { ScheduleKind } from './events/index.ts';
export { createTopic, compileFilterPolicy, webhookSignature, InvalidFilterPolicyError } from './notify/index.ts';
export type { TopicConfig, SubscriptionConfig, ChannelConfig, PublishInput, PublishResult } from './notify/index.ts';
