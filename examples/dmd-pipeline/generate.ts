/**
 * Sample data for the dmd-pipeline blueprint: a deterministic DynamoDB change stream (one
 * DynamoDB Streams record JSON per line, images marshalled) for the four landed types plus other
 * types the worker filters out, and a few malformed records, with the counts that must land.
 *
 *   node --import tsx examples/dmd-pipeline/generate.ts --records 5000 --days 4 --out changes.jsonl
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoNumber, DynamoSet, marshallItem } from '../../src/ingest/dynamodb/index.ts';
import type { MarshallInput } from '../../src/ingest/dynamodb/index.ts';

/** The record types the delivery worker lands, one table each. */
export const DMD_TYPES = ['demand', 'sale', 'event', 'notification'] as const;
export type DmdType = (typeof DMD_TYPES)[number];
/** Types in the same table that are not delivered. */
export const OTHER_TYPES = ['audit', 'session'] as const;
/** The attribute whose UTC date partitions every type. */
export const PARTITION_FIELD = 'created_at';
/** The kinds of malformed records, produced in this order round-robin. */
export const MALFORMED_KINDS = ['bad-json', 'unknown-attribute-type', 'schema-violation', 'missing-type'] as const;

export interface GenerateOptions {
  /** PRNG seed; the same options always give the same stream. Default 1. */
  seed?: number;
  /** Number of change records (lines), malformed and filtered ones included. Default 1000. */
  records?: number;
  /** Days the stream spans from `startDate`; records are spread evenly. Default 3. */
  days?: number;
  /** First day, `YYYY-MM-DD` (UTC). Default `2024-05-01`. */
  startDate?: string;
  /** Malformed records among `records`. Default max(4, 0.2% of records). */
  malformed?: number;
}

export interface ExpectedCounts {
  /** Rows that must land per type and partition date (REMOVEs included: one row per change). */
  perTypeDay: Record<DmdType, Record<string, number>>;
  /** REMOVE records among the landed ones. */
  removes: number;
  /** Records of other types, dropped by the type filter. */
  filtered: number;
  /** Records that must go to the dead-letter zone. */
  malformed: number;
  /** Rows that land: the sum of `perTypeDay`. */
  landed: number;
  /** All records: landed + filtered + malformed. */
  total: number;
}

export interface GeneratedStream {
  /** One DynamoDB Streams record JSON per element (JSON lines when joined with "\n"). */
  records: string[];
  expected: ExpectedCounts;
}

type Item = Record<string, MarshallInput>;
type EventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** mulberry32: small, fast, and the same on every platform. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

const money = (cents: number): DynamoNumber => new DynamoNumber(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const CITIES = [['Lyon', 'FR', '69002'], ['Porto', 'PT', '4050-001'], ['Gent', 'BE', '9000'], ['Leipzig', 'DE', '04109']] as const;
const SKUS = ['SKU-100', 'SKU-200', 'SKU-300', 'SKU-410', 'SKU-525'] as const;

/** Item factories per type; `created` is epoch ms. Keys: pk = TYPE#id, sk = META (single-table design). */
function newItem(type: DmdType | (typeof OTHER_TYPES)[number], id: string, created: number, r: Random): Item {
  const keys = { pk: `${type.toUpperCase()}#${id}`, sk: 'META', type, id };
  switch (type) {
    case 'demand': {
      const [city, country, postal] = r.pick(CITIES);
      const lines = Array.from({ length: r.int(1, 3) }, () => ({
        sku: r.pick(SKUS),
        description: r.chance(0.5) ? 'standard pallet' : undefined,
        quantity: r.int(1, 40),
        target_price: r.chance(0.7) ? money(r.int(500, 90_000)) : undefined,
      }));
      return {
        ...keys,
        customer_id: `c-${r.int(1, 400)}`,
        status: 'OPEN',
        channel: r.chance(0.8) ? r.pick(['web', 'phone', 'partner']) : undefined,
        created_at: new Date(created).toISOString(),
        requested_date: isoDay(created + r.int(7, 30) * 86_400_000),
        budget: r.chance(0.6) ? money(r.int(10_000, 5_000_000)) : undefined,
        currency: 'EUR',
        delivery_address: r.chance(0.7) ? { line1: `${r.int(1, 200)} rue du Port`, city, postal_code: postal, country_code: country } : undefined,
        lines,
        tags: r.chance(0.5) ? new DynamoSet('SS', ['b2b', r.pick(['urgent', 'repeat', 'new'])]) : undefined,
      };
    }
    case 'sale': {
      const lines = Array.from({ length: r.int(1, 4) }, () => ({ sku: r.pick(SKUS), quantity: r.int(1, 12), unit_price: r.int(199, 49_999) }));
      const net = lines.reduce((sum, l) => sum + l.quantity * l.unit_price, 0);
      const tax = Math.round(net * 0.2);
      return {
        ...keys,
        demand_id: r.chance(0.6) ? `d-${r.int(1, 9999)}` : undefined,
        customer_id: `c-${r.int(1, 400)}`,
        status: 'PENDING',
        created_at: created,
        currency: 'EUR',
        total_amount: money(net + tax),
        tax_amount: money(tax),
        discount_rate: r.chance(0.3) ? new DynamoNumber(r.pick(['0.05', '0.1', '0.125'])) : undefined,
        lines: lines.map((l) => ({ ...l, unit_price: money(l.unit_price) })),
        sales_rep: r.chance(0.5) ? `rep-${r.int(1, 20)}` : undefined,
      };
    }
    case 'event':
      return {
        ...keys,
        event_name: r.pick(['page_view', 'search', 'add_to_cart', 'checkout']),
        source: r.pick(['web', 'ios', 'android']),
        subject_id: `c-${r.int(1, 400)}`,
        created_at: new Date(created).toISOString(),
        // beyond 2^53 on purpose: the long must survive exactly
        sequence: 9_007_199_254_740_993n + BigInt(r.int(0, 1_000_000_000)),
        duration_ms: r.chance(0.6) ? r.int(5, 60_000) : undefined,
        attributes: { app_version: `4.${r.int(0, 9)}.${r.int(0, 20)}`, locale: r.pick(['fr-FR', 'pt-PT', 'de-DE']) },
        geo: r.chance(0.4) ? { lat: new DynamoNumber((r.next() * 10 + 40).toFixed(5)), lon: new DynamoNumber((r.next() * 10).toFixed(5)) } : undefined,
        labels: r.chance(0.3) ? ['beta'] : [],
        ttl: Math.floor(created / 1000) + 90 * 86_400,
      };
    case 'notification':
      return {
        ...keys,
        recipient: `user${r.int(1, 400)}@example.com`,
        channel: r.pick(['EMAIL', 'SMS', 'PUSH', 'WEBHOOK']),
        template: r.pick(['quote_ready', 'payment_received', 'shipment_update']),
        status: 'QUEUED',
        created_at: created,
        attempts: 0,
        context: r.chance(0.7) ? { demand_id: `d-${r.int(1, 9999)}`, sale_id: r.chance(0.5) ? `s-${r.int(1, 9999)}` : undefined } : undefined,
        payload_hash: Buffer.from(r.hex(32), 'hex'),
      };
    default:
      return { ...keys, actor: `svc-${r.int(1, 5)}`, action: r.pick(['login', 'export', 'update']), created_at: new Date(created).toISOString() };
  }
}

/** The next version of an item: a status change (and the fields that go with it) at `at`. */
function modified(type: DmdType | (typeof OTHER_TYPES)[number], item: Item, at: number, r: Random): Item {
  switch (type) {
    case 'demand':
      return { ...item, status: r.pick(['QUOTED', 'WON', 'LOST', 'CANCELLED']), updated_at: new Date(at).toISOString() };
    case 'sale':
      return { ...item, status: r.pick(['PAID', 'SHIPPED', 'REFUNDED']), paid_at: at, payment: { method: r.pick(['CARD', 'TRANSFER', 'INVOICE']), reference: `pay-${r.hex(8)}`, captured: true } };
    case 'event':
      return { ...item, labels: ['reprocessed'], duration_ms: r.int(5, 60_000) };
    case 'notification': {
      const failed = r.chance(0.1);
      return { ...item, status: failed ? 'FAILED' : r.pick(['SENT', 'DELIVERED']), sent_at: at, attempts: Number(item.attempts) + 1, error: failed ? 'mailbox unavailable' : undefined };
    }
    default:
      return { ...item, action: 'update' };
  }
}

function streamRecord(sequence: number, eventId: string, eventName: EventName, at: number, item: Item, before?: Item): Record<string, unknown> {
  const images: Record<string, unknown> = {};
  if (eventName !== 'REMOVE') images.NewImage = marshallItem(item);
  if (before !== undefined) images.OldImage = marshallItem(before);
  const keys = marshallItem({ pk: item.pk, sk: item.sk });
  return {
    eventID: eventId,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(at / 1000),
      Keys: keys,
      ...images,
      SequenceNumber: (10n ** 20n + BigInt(sequence)).toString(),
      SizeBytes: Buffer.byteLength(JSON.stringify([keys, images])),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/dmd-core/stream/2024-05-01T00:00:00.000',
  };
}

/** A malformed record of `kind`; none of them can land. */
function malformedRecord(kind: (typeof MALFORMED_KINDS)[number], sequence: number, eventId: string, at: number, r: Random): string {
  const id = `x-${sequence}`;
  switch (kind) {
    case 'bad-json': {
      const json = JSON.stringify(streamRecord(sequence, eventId, 'INSERT', at, newItem('demand', id, at, r)));
      return json.slice(0, Math.floor(json.length / 2));
    }
    case 'unknown-attribute-type': {
      const record = streamRecord(sequence, eventId, 'INSERT', at, newItem('demand', id, at, r)) as { dynamodb: { NewImage: Record<string, unknown> } };
      record.dynamodb.NewImage.budget = { D: '125.00' };
      return JSON.stringify(record);
    }
    case 'schema-violation':
      return JSON.stringify(streamRecord(sequence, eventId, 'INSERT', at, { ...newItem('sale', id, at, r), status: 'TELEPORTED' }));
    case 'missing-type': {
      const { type: _type, ...untyped } = newItem('notification', id, at, r);
      return JSON.stringify(streamRecord(sequence, eventId, 'INSERT', at, untyped));
    }
  }
}

/**
 * A deterministic change stream: INSERTs, MODIFYs and REMOVEs of demand, sale, event and
 * notification items (about 5% other types), spread evenly over `days`, each change after the
 * previous one of its item, plus `malformed` bad records. `expected` holds what must land.
 */
export function generateChangeStream(options: GenerateOptions = {}): GeneratedStream {
  const { seed = 1, records: total = 1000, days = 3, startDate = '2024-05-01' } = options;
  const start = Date.parse(`${startDate}T00:00:00Z`);
  if (!Number.isInteger(total) || total < 0 || !(days > 0) || Number.isNaN(start)) {
    throw new RangeError(`generateChangeStream: records must be a whole number >= 0, days > 0 and startDate YYYY-MM-DD (got ${total}, ${days}, ${startDate})`);
  }
  const malformedCount = Math.min(total, options.malformed ?? Math.max(4, Math.round(total * 0.002)));
  const r = new Random(prng(seed));
  const malformedAt = new Set<number>();
  while (malformedAt.size < malformedCount) malformedAt.add(r.int(0, total - 1));

  const perTypeDay = Object.fromEntries(DMD_TYPES.map((t) => [t, {} as Record<string, number>])) as Record<DmdType, Record<string, number>>;
  const live = new Map<string, Array<{ id: string; item: Item; created: number }>>();
  const counters = new Map<string, number>();
  const lines: string[] = [];
  let removes = 0;
  let filtered = 0;
  let malformedMade = 0;
  const span = days * 86_400_000;

  for (let i = 0; i < total; i++) {
    const at = start + Math.floor(((i + r.next()) * span) / total);
    const eventId = r.hex(32);
    if (malformedAt.has(i)) {
      lines.push(malformedRecord(MALFORMED_KINDS[malformedMade % MALFORMED_KINDS.length] as (typeof MALFORMED_KINDS)[number], i + 1, eventId, at, r));
      malformedMade++;
      continue;
    }
    const type = r.chance(0.05) ? r.pick(OTHER_TYPES) : r.pick(['demand', 'demand', 'sale', 'sale', 'event', 'event', 'event', 'notification'] as const);
    const items = live.get(type) ?? [];
    live.set(type, items);
    const roll = r.next();
    const eventName: EventName = items.length === 0 || roll < 0.6 ? 'INSERT' : roll < 0.85 ? 'MODIFY' : 'REMOVE';
    let created: number;
    if (eventName === 'INSERT') {
      const n = (counters.get(type) ?? 0) + 1;
      counters.set(type, n);
      const id = `${type.charAt(0)}-${String(n).padStart(6, '0')}`;
      const item = newItem(type, id, at, r);
      items.push({ id, item, created: at });
      lines.push(JSON.stringify(streamRecord(i + 1, eventId, 'INSERT', at, item)));
      created = at;
    } else {
      const index = r.int(0, items.length - 1);
      const entry = items[index] as { id: string; item: Item; created: number };
      if (eventName === 'MODIFY') {
        const next = modified(type, entry.item, at, r);
        lines.push(JSON.stringify(streamRecord(i + 1, eventId, 'MODIFY', at, next, entry.item)));
        entry.item = next;
      } else {
        items.splice(index, 1);
        lines.push(JSON.stringify(streamRecord(i + 1, eventId, 'REMOVE', at, entry.item, entry.item)));
      }
      created = entry.created;
    }
    if ((DMD_TYPES as readonly string[]).includes(type)) {
      const day = isoDay(created);
      const byDay = perTypeDay[type as DmdType];
      byDay[day] = (byDay[day] ?? 0) + 1;
      if (eventName === 'REMOVE') removes++;
    } else {
      filtered++;
    }
  }
  const landed = total - filtered - malformedCount;
  return { records: lines, expected: { perTypeDay, removes, filtered, malformed: malformedCount, landed, total } };
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string', default: '1000' },
      days: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      'start-date': { type: 'string', default: '2024-05-01' },
      malformed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.out === undefined) {
    throw new Error('usage: generate.ts --out FILE [--records N] [--days N] [--seed N] [--start-date YYYY-MM-DD] [--malformed N]');
  }
  const generated = generateChangeStream({
    records: Number(values.records),
    days: Number(values.days),
    seed: Number(values.seed),
    startDate: values['start-date'],
    ...(values.malformed === undefined ? {} : { malformed: Number(values.malformed) }),
  });
  writeFileSync(values.out, generated.records.length === 0 ? '' : `${generated.records.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify(generated.expected, null, 2)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
