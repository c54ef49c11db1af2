import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../errors.ts';
import { decodeChangeRecord } from './change-record.ts';
import type { DynamoNumber } from './dynamo-number.ts';

const streamsRecord = {
  eventID: 'e-1',
  eventName: 'MODIFY',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-west-1',
  dynamodb: {
    ApproximateCreationDateTime: 1714564800.25,
    Keys: { pk: { S: 'SALE#1' } },
    NewImage: { pk: { S: 'SALE#1' }, total: { N: '12345678901234567890.123' } },
    OldImage: { pk: { S: 'SALE#1' }, total: { N: '1' } },
    SequenceNumber: '111100000000000000001',
    SizeBytes: 77,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/dmd-core/stream/2024-05-01T00:00:00.000',
};

// "Kinesis Data Streams for DynamoDB" shape: tableName + recordFormat, no SequenceNumber, time in ms
const kinesisFormatRecord = {
  awsRegion: 'eu-west-1',
  eventID: '6f773704-d244-414f-9590-5e9e9045409d',
  eventName: 'REMOVE',
  userIdentity: null,
  recordFormat: 'application/json',
  tableName: 'dmd-core',
  dynamodb: {
    ApproximateCreationDateTime: 1714564800123,
    Keys: { pk: { S: 'DEMAND#9' } },
    OldImage: { pk: { S: 'DEMAND#9' }, type: { S: 'demand' } },
    SizeBytes: 40,
  },
  eventSource: 'aws:dynamodb',
};

function rejects(payload: string, code: string, message: RegExp): void {
  assert.throws(() => decodeChangeRecord(payload), (err: unknown) => {
    assert.ok(err instanceof ValidationError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

describe('decodeChangeRecord', () => {
  it('decodes a DynamoDB Streams record (creation time in seconds, fractions kept to the ms)', () => {
    const record = decodeChangeRecord(Buffer.from(JSON.stringify(streamsRecord)));
    assert.equal(record.eventId, 'e-1');
    assert.equal(record.eventName, 'MODIFY');
    assert.equal(record.op, 'U');
    assert.equal(record.format, 'dynamodb-streams');
    assert.equal(record.approximateCreationTime?.toISOString(), '2024-05-01T12:00:00.250Z');
    assert.equal(record.sequenceNumber, '111100000000000000001');
    assert.equal(record.tableName, 'dmd-core');
    assert.equal(record.sizeBytes, 77);
    assert.equal(record.streamViewType, 'NEW_AND_OLD_IMAGES');
    assert.equal(record.awsRegion, 'eu-west-1');
    assert.deepEqual(record.keys, { pk: 'SALE#1' });
    assert.equal(record.image, record.newImage);
    assert.equal((record.image.total as DynamoNumber).text, '12345678901234567890.123');
    assert.equal((record.oldImage?.total as DynamoNumber).text, '1');
  });

  it('decodes the Kinesis Data Streams for DynamoDB format (creation time in milliseconds)', () => {
    const record = decodeChangeRecord(JSON.stringify(kinesisFormatRecord));
    assert.equal(record.format, 'kinesis-data-streams');
    assert.equal(record.op, 'D');
    assert.equal(record.approximateCreationTime?.toISOString(), '2024-05-01T12:00:00.123Z');
    assert.equal(record.sequenceNumber, undefined);
    assert.equal(record.tableName, 'dmd-core');
    assert.equal(record.newImage, undefined);
    assert.deepEqual(record.image, { pk: 'DEMAND#9', type: 'demand' });
  });

  it('reads microseconds when the Kinesis destination uses MICROSECOND precision', () => {
    const micro = { ...kinesisFormatRecord, dynamodb: { ...kinesisFormatRecord.dynamodb, ApproximateCreationDateTime: 1714564800123456 } };
    const record = decodeChangeRecord(JSON.stringify(micro), { kinesisTimePrecision: 'MICROSECOND' });
    assert.equal(record.approximateCreationTime?.toISOString(), '2024-05-01T12:00:00.123Z');
  });

  it('takes the exact decimal of fractional seconds, not the float product', () => {
    // 1480641523.477 * 1000 is 1480641523476.9998 in floating point
    const record = decodeChangeRecord(JSON.stringify({ ...streamsRecord, dynamodb: { ...streamsRecord.dynamodb, ApproximateCreationDateTime: 1480641523.477 } }));
    assert.equal(record.approximateCreationTime?.getTime(), 1480641523477);
  });

  it('leaves the creation time out when the record has none', () => {
    const { ApproximateCreationDateTime: _, ...rest } = streamsRecord.dynamodb;
    assert.equal(decodeChangeRecord(JSON.stringify({ ...streamsRecord, dynamodb: rest })).approximateCreationTime, undefined);
  });

  it('rejects payloads that are not JSON, saying what they start with', () => {
    rejects('Hello World', 'DDB_BAD_JSON', /payload is not JSON .*starts with "Hello World"; expected one DynamoDB change record/);
  });

  it('rejects JSON that is not a single change record', () => {
    rejects('[1,2]', 'DDB_BAD_RECORD', /is \[1,2\], not a JSON object/);
    rejects('{"Records": [{}, {}]}', 'DDB_BAD_RECORD', /is a batch of 2 records.*splitChangeInput/);
    rejects('{"kinesis": {"data": "e30="}}', 'DDB_BAD_RECORD', /is a Kinesis envelope/);
    rejects('{"eventID": "x", "eventName": "INSERT"}', 'DDB_BAD_RECORD', /change record "x" has no "dynamodb" block \(found keys: eventID, eventName\)/);
    rejects(JSON.stringify({ ...streamsRecord, eventID: undefined }), 'DDB_BAD_RECORD', /has no eventID/);
    rejects(JSON.stringify({ ...streamsRecord, dynamodb: { ...streamsRecord.dynamodb, Keys: undefined } }), 'DDB_BAD_RECORD', /has no dynamodb\.Keys/);
    rejects(JSON.stringify({ ...streamsRecord, dynamodb: { ...streamsRecord.dynamodb, ApproximateCreationDateTime: 'yesterday' } }), 'DDB_BAD_RECORD', /ApproximateCreationDateTime "yesterday"/);
  });

  it('rejects unknown event names', () => {
    rejects(JSON.stringify({ ...streamsRecord, eventName: 'aws:kinesis:record' }), 'DDB_UNKNOWN_EVENT_NAME', /change record "e-1" has eventName "aws:kinesis:record", not INSERT, MODIFY or REMOVE/);
    rejects(JSON.stringify({ ...streamsRecord, eventName: undefined }), 'DDB_UNKNOWN_EVENT_NAME', /eventName nothing/);
  });

  it('rejects a change without the image it needs, pointing at the stream view type', () => {
    const keysOnly = { ...streamsRecord, eventName: 'INSERT', dynamodb: { Keys: streamsRecord.dynamodb.Keys, StreamViewType: 'KEYS_ONLY' } };
    rejects(JSON.stringify(keysOnly), 'DDB_MISSING_IMAGE', /is INSERT without NewImage \(stream view type KEYS_ONLY\); set the table's stream view type to NEW_AND_OLD_IMAGES/);
    const removeWithNew = { ...streamsRecord, eventName: 'REMOVE', dynamodb: { ...streamsRecord.dynamodb, OldImage: undefined } };
    rejects(JSON.stringify(removeWithNew), 'DDB_MISSING_IMAGE', /is REMOVE without OldImage/);
  });

  it('rejects bad attributes naming the record and the attribute path', () => {
    const bad = { ...streamsRecord, dynamodb: { ...streamsRecord.dynamodb, NewImage: { pk: { S: 'x' }, lines: { L: [{ N: '1' }, { Q: '2' }] } } } };
    assert.throws(() => decodeChangeRecord(JSON.stringify(bad)), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'DDB_BAD_ATTRIBUTE');
      assert.equal(err.fields.path, 'NewImage.lines[1]');
      assert.equal(err.fields.eventId, 'e-1');
      assert.match(err.message, /^change record "e-1": bad DynamoDB attribute at NewImage\.lines\[1\]: unknown type key "Q"/);
      return true;
    });
  });
});
