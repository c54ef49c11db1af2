import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChangeInput, splitChangeInput } from './change-input.ts';

function ddbRecord(id: string, eventName: string, keys: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const image = { ...keys, note: { S: `item ${id}` } };
  return {
    eventID: id,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { ApproximateCreationDateTime: 1714521600, Keys: keys, [eventName === 'REMOVE' ? 'OldImage' : 'NewImage']: image, SequenceNumber: `1000000000000000000000${id}`, ...extra },
  };
}

function kinesisEnvelope(data: string, partitionKey = 'pk-1'): Record<string, unknown> {
  return {
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber: '4959', data, approximateArrivalTimestamp: 1714521600.5 },
    eventSource: 'aws:kinesis',
    eventName: 'aws:kinesis:record',
  };
}

describe('splitChangeInput', () => {
  it('splits a Lambda DynamoDB Streams event into one payload per record, keyed by the item keys', () => {
    const event = { Records: [ddbRecord('1', 'INSERT', { pk: { S: 'a' }, sk: { N: '1' } }), ddbRecord('2', 'REMOVE', { sk: { N: '1' }, pk: { S: 'a' } })] };
    const { records, errors } = splitChangeInput(JSON.stringify(event, null, 2));
    assert.deepEqual(errors, []);
    assert.equal(records.length, 2);
    // key attribute order does not matter: both changes of the item share a partition key
    assert.equal(records[0]?.partitionKey, '{"pk":{"S":"a"},"sk":{"N":"1"}}');
    assert.equal(records[1]?.partitionKey, records[0]?.partitionKey);
    assert.deepEqual(JSON.parse(records[1]?.payload.toString() ?? ''), event.Records[1]);
    assert.equal(records[0]?.kinesis, undefined);
  });

  it('decodes Kinesis envelope data and keeps the envelope partition key and arrival time', () => {
    const inner = JSON.stringify({ eventID: 'k1', eventName: 'INSERT', tableName: 't', recordFormat: 'application/json', dynamodb: { Keys: { id: { S: '1' } }, NewImage: { id: { S: '1' } } } });
    const { records, errors } = splitChangeInput(JSON.stringify({ Records: [kinesisEnvelope(Buffer.from(inner).toString('base64'), 'item-key')] }));
    assert.deepEqual(errors, []);
    assert.equal(records[0]?.partitionKey, 'item-key');
    assert.equal(records[0]?.payload.toString(), inner);
    assert.deepEqual(records[0]?.kinesis, { partitionKey: 'item-key', sequenceNumber: '4959', approximateArrivalTimestamp: new Date(1714521600500) });
  });

  it('reads JSON lines of records and events, reporting bad lines with their number and text', () => {
    const lines = [
      JSON.stringify(ddbRecord('1', 'INSERT', { pk: { S: 'a' } })),
      '',
      '{"eventID": "2", "eventName": "INS',
      JSON.stringify({ Records: [ddbRecord('3', 'MODIFY', { pk: { S: 'b' } }), 42] }),
      JSON.stringify(kinesisEnvelope('not base64!')),
      JSON.stringify({ hello: 'world' }),
      JSON.stringify(ddbRecord('4', 'REMOVE', { pk: { S: 'a' } })),
    ];
    const { records, errors } = splitChangeInput(`${lines.join('\r\n')}\n`);
    assert.deepEqual(records.map((r) => r.line), [1, 4, 7]);
    assert.equal(records[0]?.payload.toString(), lines[0]);
    assert.deepEqual(errors.map((e) => e.line), [3, 4, 5, 6]);
    assert.match(errors[0]?.reason ?? '', /^line is not JSON: /);
    assert.equal(errors[0]?.raw, lines[2]);
    assert.match(errors[1]?.reason ?? '', /^Records\[1\]: expected a DynamoDB Streams record, a Kinesis record or a Lambda event, found 42/);
    assert.equal(errors[1]?.raw, '42');
    assert.match(errors[2]?.reason ?? '', /Kinesis data of record "4959" is not valid base64: invalid base64 character " " at offset 3/);
    assert.match(errors[3]?.reason ?? '', /not a DynamoDB Streams record \(no "dynamodb" block\), Kinesis record or Lambda event \(found keys: hello\)/);
  });

  it('accepts a Buffer with a byte-order mark, and empty input', () => {
    const text = `\ufeff${JSON.stringify(ddbRecord('1', 'INSERT', { pk: { S: 'a' } }))}`;
    assert.equal(splitChangeInput(Buffer.from(text)).records.length, 1);
    assert.deepEqual(splitChangeInput('  \n'), { records: [], errors: [] });
  });

  it('bounds long partition keys to a hash, and keys keyless records by event id', () => {
    const long = ddbRecord('1', 'INSERT', { pk: { S: 'x'.repeat(300) } });
    const [record] = splitChangeInput(JSON.stringify(long)).records;
    assert.match(record?.partitionKey ?? '', /^sha256:[0-9a-f]{64}$/);
    const keyless = { eventID: 'no-keys', eventName: 'INSERT', dynamodb: {} };
    assert.equal(splitChangeInput(JSON.stringify(keyless)).records[0]?.partitionKey, 'no-keys');
  });
});

describe('parseChangeInput', () => {
  it('decodes what splits, and turns records that fail to decode into errors with their code', () => {
    const lines = [
      JSON.stringify(ddbRecord('1', 'INSERT', { pk: { S: 'a' } })),
      JSON.stringify(kinesisEnvelope(Buffer.from('Hello World').toString('base64'))),
      'not json',
      JSON.stringify(ddbRecord('2', 'MODIFY', { pk: { S: 'a' } })),
    ];
    const { records, errors } = parseChangeInput(lines.join('\n'));
    assert.deepEqual(records.map((r) => [r.eventId, r.op]), [['1', 'I'], ['2', 'U']]);
    assert.deepEqual(errors.map((e) => [e.line, e.code]), [[2, 'DDB_BAD_JSON'], [3, undefined]]);
    assert.equal(errors[0]?.raw, 'Hello World');
  });
});
