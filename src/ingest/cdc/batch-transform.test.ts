import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAvroContainer, parseAvroSchema } from '../../formats/avro/index.ts';
import type { StreamRecord } from '../../streams/stream-transport.ts';
import { transformBatch } from './batch-transform.ts';
import type { TransformSettings } from './batch-transform.ts';
import { deliverySchemaOf } from './delivery-schema.ts';

const schema = deliverySchemaOf(
  'order',
  parseAvroSchema({
    type: 'record',
    name: 'Order',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'type', type: 'string' },
      { name: 'created_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'note', type: ['null', 'string'], default: null },
    ],
  }),
  'order.avsc',
);

function record(seq: number, body: unknown): StreamRecord {
  return { shardId: 'shardId-000000000000', sequenceNumber: String(seq), partitionKey: `k${seq}`, data: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), approximateArrivalTimestamp: new Date('2024-05-09T10:00:00Z') };
}

function change(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', image: Record<string, unknown>, created = 1715248800) {
  const key = { id: image.id };
  return {
    eventID: `e-${String((image.id as { S: string }).S)}-${eventName}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { ApproximateCreationDateTime: created, Keys: key, SequenceNumber: '1', ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }) },
  };
}

const settings = (partitionDateField?: string): TransformSettings => ({
  typeField: 'type',
  codec: 'deflate',
  schemas: new Map([['order', schema]]),
  ...(partitionDateField ? { partitionDateField } : {}),
});

describe('transformBatch', () => {
  const records = [
    record(1, change('INSERT', { id: { S: 'a' }, type: { S: 'order' }, created_at: { N: '1714521600000' } })), // 2024-05-01 millis
    record(2, change('INSERT', { id: { S: 'b' }, type: { S: 'order' }, created_at: { S: '2024-05-02T23:30:00-02:00' } })), // 2024-05-03 UTC
    record(3, change('REMOVE', { id: { S: 'a' }, type: { S: 'order' }, created_at: { N: '1714521600000' } })),
    record(4, change('INSERT', { id: { S: 'c' }, type: { S: 'audit' }, created_at: { N: '1' } })),
    record(5, change('INSERT', { id: { S: 'd' }, created_at: { N: '1' } })),
    record(6, '{not json'),
    record(7, change('INSERT', { id: { S: 'e' }, type: { S: 'order' }, created_at: { S: 'yesterday' } })),
  ];

  it('groups kept records by type and partition date, filters other types, dead-letters the rest', () => {
    const out = transformBatch(settings('created_at'), { stream: 's', batchName: 'b1', records });
    assert.equal(out.in, 7);
    assert.equal(out.filtered, 1);
    assert.deepEqual(out.groups.map((g) => [g.type, g.date, g.records]).sort(), [['order', '2024-05-01', 2], ['order', '2024-05-03', 1]]);
    assert.deepEqual(out.deadLetters.map((d) => [d.sequenceNumber, d.code]).sort(), [['5', 'DELIVERY_MISSING_TYPE'], ['6', 'DDB_BAD_JSON'], ['7', 'DDB_SCHEMA_MISMATCH']]);
    assert.equal(out.in, out.groups.reduce((n, g) => n + g.records, 0) + out.filtered + out.deadLetters.length);
  });

  it('lands the image with the DMS op, change time and sequence number', () => {
    const out = transformBatch(settings('created_at'), { stream: 's', batchName: 'b1', records });
    const may1 = out.groups.find((g) => g.date === '2024-05-01')!;
    const rows = decodeAvroContainer(Buffer.from(may1.body)).records as Record<string, unknown>[];
    assert.deepEqual(rows.map((r) => [r.id, r.Op, r._event_time, r._sequence_number]), [['a', 'I', 1715248800000, '1'], ['a', 'D', 1715248800000, '1']]);
  });

  it('uses the change time for the partition date when no field is configured', () => {
    const out = transformBatch(settings(), { stream: 's', batchName: 'b1', records: records.slice(0, 2) });
    assert.deepEqual(out.groups.map((g) => [g.date, g.records]), [['2024-05-09', 2]]);
  });
});
