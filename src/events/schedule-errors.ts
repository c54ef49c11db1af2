import { ValidationError } from '../errors.ts';

/** Which AWS API a schedule expression is checked against: EventBridge rules (`PutRule`) or EventBridge Scheduler. */
export type ScheduleKind = 'rule' | 'scheduler';

/** The message AWS itself answers with when it rejects a schedule expression (a `ValidationException`). */
export function awsScheduleMessage(expression: string, kind: ScheduleKind | undefined): string {
  return kind === 'scheduler' ? `Invalid Schedule Expression ${expression}.` : 'Parameter ScheduleExpression is not valid.';
}

/** What was wrong with a schedule expression: the part (`field`) and the rule it broke. */
export interface ScheduleExpressionProblem {
  /** The whole expression as given, e.g. `cron(71 8 1 * ? *)`. */
  expression: string;
  /** The part at fault: `minutes`, `day-of-week`, `unit`, `value`, `type`, `eventBusName`, ... */
  field: string;
  /** The rule that part broke, in words: `71 is outside 0-59`. */
  rule: string;
  /** The API whose rules were applied; decides `awsMessage`. */
  kind?: ScheduleKind;
  /** Overrides the AWS message when AWS answers a case with a different text (custom event bus). */
  awsMessage?: string;
}

/**
 * A `cron(...)`, `rate(...)` or `at(...)` expression that EventBridge would reject.
 * Code `SCHEDULE_EXPRESSION_INVALID`; `fields` carry `expression`, `field`, `rule`, `kind`
 * and `awsMessage` (the exact text AWS answers with, e.g. "Parameter ScheduleExpression is not valid.").
 */
export class InvalidScheduleExpressionError extends ValidationError {
  /** The problem, kept whole so callers can re-raise it for another `kind`. */
  readonly problem: ScheduleExpressionProblem;

  constructor(problem: ScheduleExpressionProblem, options: { cause?: unknown } = {}) {
    const awsMessage = problem.awsMessage ?? awsScheduleMessage(problem.expression, problem.kind);
    super(
      'SCHEDULE_EXPRESSION_INVALID',
      `schedule expression "${problem.expression}" is not valid: ${problem.field} ${problem.rule}; fix the ${problem.field} and retry (AWS: "${awsMessage}")`,
      { cause: options.cause, fields: { path: problem.field, expression: problem.expression, field: problem.field, rule: problem.rule, kind: problem.kind, awsMessage } },
    );
    this.problem = { ...problem };
  }

  /** AWS's own rejection text for this expression and kind. */
  get awsMessage(): string {
    return this.problem.awsMessage ?? awsScheduleMessage(this.problem.expression, this.problem.kind);
  }
}

/**
 * Scheduler options (time zone, flexible time window, start/end dates) or a fire-time query
 * (`from`, `count`) that cannot be used. Code `SCHEDULE_OPTIONS_INVALID`; `fields.path` names the option.
 */
export class InvalidScheduleOptionsError extends ValidationError {
  constructor(path: string, value: unknown, rule: string, options: { cause?: unknown } = {}) {
    super('SCHEDULE_OPTIONS_INVALID', `schedule option ${path} = ${JSON.stringify(value)} is not valid: ${rule}; fix the option and retry`, {
      cause: options.cause,
      fields: { path, value, rule },
    });
  }
}
