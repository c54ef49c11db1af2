import { LakestackError, errorMessage } from '../errors.ts';
import type { PublishInput } from './topic.ts';

/** How a job or workflow run ended, in plain values (no runtime types needed). */
export interface RunOutcome {
  kind: 'job' | 'workflow';
  /** Job or workflow name. */
  name: string;
  runId: string;
  status: 'succeeded' | 'failed';
  startedAt: Date;
  finishedAt: Date;
  /** Row, file or task counts, e.g. `{ read: 10, written: 9, rejected: 1 }`. */
  counts?: Record<string, number>;
  /** The failure, for `failed` runs. */
  error?: unknown;
}

/** The JSON message body of a run notification. */
export interface RunMessage {
  kind: RunOutcome['kind'];
  name: string;
  runId: string;
  status: RunOutcome['status'];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: Record<string, number>;
  error?: { code?: string; message: string };
}

/** SNS caps subjects at 100 characters. */
const SUBJECT_LIMIT = 100;

/**
 * Turns a run outcome into what to publish: a JSON body (`RunMessage`) for MessageBody filters,
 * attributes `kind`, `name`, `status` and `runId` for MessageAttributes filters, and a subject
 * such as `job "nightly" run r-7 failed after 1.2 s`.
 */
export function runNotification(outcome: RunOutcome): PublishInput {
  const durationMs = Math.max(0, outcome.finishedAt.getTime() - outcome.startedAt.getTime());
  const message: RunMessage = {
    kind: outcome.kind,
    name: outcome.name,
    runId: outcome.runId,
    status: outcome.status,
    startedAt: outcome.startedAt.toISOString(),
    finishedAt: outcome.finishedAt.toISOString(),
    durationMs,
    counts: { ...(outcome.counts ?? {}) },
  };
  if (outcome.error !== undefined) {
    message.error = outcome.error instanceof LakestackError ? { code: outcome.error.code, message: outcome.error.message } : { message: errorMessage(outcome.error) };
  }
  const verb = outcome.status === 'succeeded' ? 'succeeded in' : 'failed after';
  const subject = `${outcome.kind} "${outcome.name}" run ${outcome.runId} ${verb} ${(durationMs / 1000).toFixed(1)} s`;
  return {
    subject: subject.length > SUBJECT_LIMIT ? `${subject.slice(0, SUBJECT_LIMIT - 3)}...` : subject,
    message: { ...message },
    attributes: { kind: outcome.kind, name: outcome.name, status: outcome.status, runId: outcome.runId },
  };
}
