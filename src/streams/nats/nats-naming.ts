import { createHash } from 'node:crypto';
import { invalidArgument } from '../stream-errors.ts';

/** JetStream stream names of lakestack streams start with this unless told otherwise. */
export const DEFAULT_STREAM_PREFIX = 'LAKESTACK_';
const PREFIX = /^[A-Za-z0-9_-]{1,64}$/;

/** Where a lakestack stream lives on the server. */
export interface NatsStreamNames {
  /** JetStream stream name, e.g. `LAKESTACK_orders`. */
  jetStream: string;
  /** Subject of every shard: `<subjectRoot>.<shardId>`; the stream captures `<subjectRoot>.*`. */
  subjectRoot: string;
}

/**
 * Names of lakestack stream `stream` under `prefix`: `LAKESTACK_<stream>` capturing
 * `lakestack.<stream>.*`. A custom prefix also goes into the subjects
 * (`lakestack.<prefix>.<stream>.*`) so two prefixes on one server never claim the same subjects.
 * Dots are not allowed in JetStream names or inside a subject token, so a name with dots becomes
 * `a_b_<hash>`: the hash keeps `a.b` and a stream literally named `a_b` apart.
 */
export function natsStreamNames(stream: string, prefix = DEFAULT_STREAM_PREFIX): NatsStreamNames {
  const token = stream.includes('.') ? `${stream.replaceAll('.', '_')}_${createHash('md5').update(stream).digest('hex').slice(0, 8)}` : stream;
  const root = prefix === DEFAULT_STREAM_PREFIX ? 'lakestack' : `lakestack.${prefix}`;
  return { jetStream: `${prefix}${token}`, subjectRoot: `${root}.${token}` };
}

/** Validates a stream prefix: it is part of a JetStream name and of a subject token. */
export function assertStreamPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) {
    throw invalidArgument('streamTransport.streamPrefix', `prefix ${JSON.stringify(prefix)} is invalid; use 1-64 characters of [A-Za-z0-9_-]`);
  }
}

/** What lakestack stores in the JetStream stream's description (the server predates metadata). */
export interface NatsStreamMarker {
  formatVersion: 1;
  name: string;
  shardCount: number;
}

/** The description text carrying `marker`. */
export function encodeMarker(marker: NatsStreamMarker): string {
  return JSON.stringify({ lakestack: marker });
}

/** The marker in a description, or undefined when the stream is not lakestack's. */
export function decodeMarker(description: string | undefined): NatsStreamMarker | undefined {
  if (!description) return undefined;
  try {
    const parsed = (JSON.parse(description) as { lakestack?: Partial<NatsStreamMarker> }).lakestack;
    if (parsed?.formatVersion === 1 && typeof parsed.name === 'string' && Number.isInteger(parsed.shardCount)) return parsed as NatsStreamMarker;
  } catch {
    // not JSON: not ours
  }
  return undefined;
}
