import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceDir } from '../../../test/support/paths.ts';
import { ValidationError } from '../../errors.ts';
import {
  DynamoNumber,
  DynamoSet,
  attributeAs,
  dataTypeOf,
  decodeChangeRecord,
  marshallItem,
  marshallValue,
  splitChangeInput,
  unmarshallAttributeValue,
} from './index.ts';
import type { ChangeRecord, DynamoDataType, DynamoItem, DynamoValue } from './index.ts';

const root = conformanceDir('dynamodb-streams');

function read(file: string): string {
  return readFileSync(join(root, file), 'utf8');
}

interface RawRecord {
  dynamodb: { Keys: unknown; NewImage?: unknown; OldImage?: unknown };
}

/** Every record of a DynamoDB event fixture, decoded, with the raw JSON it came from. */
function decodeAll(file: string): Array<{ record: ChangeRecord; raw: RawRecord }> {
  const split = splitChangeInput(read(file));
  assert.deepEqual(split.errors, []);
  return split.records.map((r) => ({ record: decodeChangeRecord(r.payload), raw: JSON.parse(r.payload.toString('utf8')) as RawRecord }));
}

/** The Go/Java tests' round trip: marshalling what was unmarshalled reproduces the input images. */
function assertLosslessImages(decoded: Array<{ record: ChangeRecord; raw: RawRecord }>): void {
  for (const { record, raw } of decoded) {
    assert.deepEqual(marshallItem(record.keys), raw.dynamodb.Keys);
    if (raw.dynamodb.NewImage !== undefined) assert.deepEqual(marshallItem(record.newImage ?? {}), raw.dynamodb.NewImage);
    if (raw.dynamodb.OldImage !== undefined) assert.deepEqual(marshallItem(record.oldImage ?? {}), raw.dynamodb.OldImage);
  }
}

function text(value: DynamoValue | undefined): string {
  assert.ok(value instanceof DynamoNumber, `expected a number, got ${String(value)}`);
  return value.text;
}

/** Kinesis fixtures carry plain text, not change records: the envelope parses, decoding refuses. */
function assertKinesisText(file: string, expected: Array<{ partitionKey: string; sequenceNumber: string; text: string; arrivalMs: number }>): void {
  const split = splitChangeInput(read(file));
  assert.deepEqual(split.errors, []);
  assert.deepEqual(
    split.records.map((r) => ({ partitionKey: r.partitionKey, sequenceNumber: r.kinesis?.sequenceNumber, text: r.payload.toString('utf8'), arrivalMs: r.kinesis?.approximateArrivalTimestamp?.getTime() })),
    expected,
  );
  for (const r of split.records) {
    assert.throws(() => decodeChangeRecord(r.payload), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.code, 'DDB_BAD_JSON');
      assert.match(err.message, /payload is not JSON .*it starts with "Hello/);
      return true;
    });
  }
}

interface AttributeCase {
  name: string;
  input: unknown;
  expect: Record<string, unknown>;
}

/** Checks one transcribed Go assertion; unknown labels fail, so a new vector cannot pass unread. */
function checkExpectation(value: DynamoValue, key: string, expected: unknown, expect: Record<string, unknown>): void {
  switch (key) {
    case 'dataType':
      assert.equal(dataTypeOf(value), expected);
      return;
    case 'binary_base64':
      assert.equal(attributeAs(value, 'Binary').toString('base64'), expected);
      return;
    case 'value':
      assert.equal(value, expected);
      return;
    case 'length': {
      const type = dataTypeOf(value);
      const size = type === 'Map' ? Object.keys(attributeAs(value, 'Map')).length : (value as unknown[]).length;
      assert.equal(size, expected);
      return;
    }
    case 'item1_base64':
      assert.equal(attributeAs(value, 'BinarySet')[1]?.toString('base64'), expected);
      return;
    case 'item0_string':
      assert.equal(attributeAs(attributeAs(value, 'List')[0] ?? null, 'String'), expected);
      return;
    case 'item2_number_string':
      assert.equal(attributeAs(attributeAs(value, 'List')[2] ?? null, 'Number').text, expected);
      return;
    case 'Name_string':
      assert.equal(attributeAs(attributeAs(value, 'Map').Name ?? null, 'String'), expected);
      return;
    case 'Age_number_string':
      assert.equal(attributeAs(attributeAs(value, 'Map').Age ?? null, 'Number').text, expected);
      return;
    case 'number_string':
      assert.equal(attributeAs(value, 'Number').text, expected);
      return;
    case 'float':
      assert.equal(attributeAs(value, 'Number').toNumber(), expected);
      return;
    case 'integer': {
      const n = attributeAs(value, 'Number');
      if (n.isInteger) {
        assert.equal(n.toBigInt(), BigInt(expected as number));
      } else {
        // Go's Integer() truncates "123.45" to 123; lakestack refuses to drop digits silently
        assert.match(String(expect.note), /truncation/);
        assert.throws(() => n.toBigInt(), { code: 'DDB_NOT_INTEGRAL', message: /123\.45 is not an integer/ });
        assert.equal(Math.trunc(n.toNumber()), expected);
      }
      return;
    }
    case 'items': {
      const set = value as DynamoSet;
      assert.ok(set instanceof DynamoSet);
      assert.deepEqual(set.map((item) => (item instanceof DynamoNumber ? item.text : item)), expected);
      return;
    }
    case 'isNull':
      assert.equal(value === null, expected);
      return;
    case 'raises':
      assert.equal(expected, 'IncompatibleDynamoDBTypeError');
      assert.throws(() => attributeAs(value, expect.accessing_as as DynamoDataType), (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.code, 'DDB_INCOMPATIBLE_TYPE');
        assert.equal(err.fields.requested, expect.requested);
        assert.equal(err.fields.actual, expect.actual);
        return true;
      });
      return;
    case 'unmarshal_error': // unmarshalling already succeeded above
    case 'accessing_as':
    case 'requested':
    case 'actual':
    case 'note':
      return;
    default:
      assert.fail(`attributevalue-cases.json uses expectation "${key}", which this suite does not check yet`);
  }
}

describe('dynamodb-streams conformance', () => {
  it('covers every vector file in the folder', () => {
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
      .sort();
    assert.deepEqual(files, [
      'aws-lambda-go/attributevalue-cases.json',
      'aws-lambda-go/dynamodb-event.json',
      'aws-lambda-go/dynamodb-time-window-event.json',
      'aws-lambda-go/kinesis-event.json',
      'aws-lambda-go/kinesis-time-window-event.json',
      'aws-lambda-java-libs/dynamo_ddb_stream_record.json',
      'aws-lambda-java-libs/dynamo_event.json',
      'aws-lambda-java-libs/dynamo_time_window_event.json',
      'aws-lambda-java-libs/kinesis_event.json',
      'aws-lambda-java-libs/kinesis_time_window_event.json',
    ]);
  });

  describe('aws-lambda-go/attributevalue-cases.json', () => {
    const { cases } = JSON.parse(read('aws-lambda-go/attributevalue-cases.json')) as { cases: AttributeCase[] };
    it('has the 24 transcribed cases', () => assert.equal(cases.length, 24));
    cases.forEach((c, index) => {
      it(`${index}: ${c.name} ${JSON.stringify(c.input)}`, () => {
        const value = unmarshallAttributeValue(c.input, c.name);
        for (const [key, expected] of Object.entries(c.expect)) checkExpectation(value, key, expected, c.expect);
        assert.deepEqual(marshallValue(value), c.input);
      });
    });
  });

  it('aws-lambda-go/dynamodb-event.json: 2 INSERTs with every attribute type, lossless', () => {
    const decoded = decodeAll('aws-lambda-go/dynamodb-event.json');
    assert.deepEqual(decoded.map((d) => [d.record.eventId, d.record.eventName, d.record.op]), [
      ['f07f8ca4b0b26cb9c4e5e77e69f274ee', 'INSERT', 'I'],
      ['f07f8ca4b0b26cb9c4e5e77e42f274ee', 'INSERT', 'I'],
    ]);
    for (const { record } of decoded) {
      assert.equal(record.sequenceNumber, '1405400000000002063282832');
      assert.equal(record.sizeBytes, 54);
      assert.equal(record.approximateCreationTime?.getTime(), 1480642020_000);
      assert.equal(record.tableName, 'Example-Table');
      assert.deepEqual(record.keys, { val: 'data', key: 'binary' });
      assert.equal(record.image, record.newImage);
      assert.equal(record.oldImage, undefined);
    }
    assert.deepEqual(decoded[0]?.record.userIdentity, { type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    assert.equal(decoded[1]?.record.userIdentity, undefined);
    const image = decoded[1]?.record.image as DynamoItem;
    assert.deepEqual(image.asdf1, Buffer.from([0x00, 0x01, 0x2a, 0x41]));
    assert.deepEqual(image.b2, Buffer.from('test', 'base64'));
    assert.equal(dataTypeOf(image.asdf2 ?? null), 'BinarySet');
    assert.equal((image.asdf2 as DynamoSet).length, 3);
    assert.equal(image.Boolean, true);
    assert.equal(image.Null, null);
    assert.equal(image.String, 'Hello');
    assert.equal(text(image.FloatNumber), '123.45');
    assert.equal(text(image.IntegerNumber), '123');
    assert.deepEqual((image.NumberSet as DynamoSet<'NS'>).map((n) => n.text), ['1234', '567.8']);
    assert.deepEqual([...(image.StringSet as DynamoSet)], ['Giraffe', 'Zebra']);
    assert.equal(dataTypeOf(image.EmptyStringSet ?? null), 'StringSet');
    assert.equal((image.EmptyStringSet as DynamoSet).length, 0);
    const list = image.List as DynamoValue[];
    assert.deepEqual([list[0], list[1], text(list[2])], ['Cookies', 'Coffee', '3.14159']);
    const map = image.Map as DynamoItem;
    assert.deepEqual([map.Name, text(map.Age)], ['Joe', '35']);
    assertLosslessImages(decoded);
  });

  it('aws-lambda-go/dynamodb-time-window-event.json: INSERT / MODIFY / REMOVE of Id=101, lossless', () => {
    const decoded = decodeAll('aws-lambda-go/dynamodb-time-window-event.json');
    assert.deepEqual(decoded.map((d) => [d.record.eventId, d.record.op, d.record.sequenceNumber, d.record.sizeBytes]), [
      ['1', 'I', '111', 26],
      ['2', 'U', '222', 59],
      ['3', 'D', '333', 38],
    ]);
    const [insert, modify, remove] = decoded.map((d) => d.record);
    assert.equal(insert?.image.Message, 'New item!');
    assert.equal(modify?.image.Message, 'This item has changed');
    assert.equal(modify?.oldImage?.Message, 'New item!');
    assert.equal(remove?.newImage, undefined);
    assert.equal(remove?.image, remove?.oldImage);
    assert.equal(remove?.image.Message, 'This item has changed');
    for (const record of [insert, modify, remove]) {
      assert.equal(text(record?.keys.Id), '101');
      assert.equal(record?.approximateCreationTime?.getTime(), 1480642020_000);
      assert.equal(record?.tableName, undefined, 'eventSourceARN "stream-ARN" names no table');
    }
    assertLosslessImages(decoded);
  });

  it('aws-lambda-go/kinesis-event.json: 2 envelopes of "Hello World", not change records', () => {
    assertKinesisText('aws-lambda-go/kinesis-event.json', [
      { partitionKey: 's1', sequenceNumber: '49568167373333333333333333333333333333333333333333333333', text: 'Hello World', arrivalMs: 1480641523477 },
      { partitionKey: 's1', sequenceNumber: '49568167373333333334444444444444444444444444444444444444', text: 'Hello World', arrivalMs: 1480841523477 },
    ]);
  });

  it('aws-lambda-go/kinesis-time-window-event.json: 1 envelope, window fields ignored', () => {
    assertKinesisText('aws-lambda-go/kinesis-time-window-event.json', [
      { partitionKey: '1', sequenceNumber: '49590338271490256608559692538361571095921575989136588898', text: 'Hello, this is a test.', arrivalMs: 1607497475000 },
    ]);
  });

  const modifyRecordAssertions = (record: ChangeRecord | undefined): void => {
    assert.equal(record?.eventSourceArn, 'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899');
    assert.equal(record?.tableName, 'ExampleTableWithStream');
    assert.equal(record?.eventName, 'MODIFY');
    assert.equal(record?.op, 'U');
    assert.equal(record?.sequenceNumber, '4421584500000000017450439092');
    assert.equal(record?.sizeBytes, 59);
    assert.equal(record?.streamViewType, 'NEW_AND_OLD_IMAGES');
    // 1.635734407123456789E9 s: epochSecond 1635734407 + 123456789 ns, kept to the millisecond
    assert.equal(record?.approximateCreationTime?.toISOString(), '2021-11-01T02:40:07.123Z');
    assert.equal(text(record?.keys.Id), '101');
    assert.equal(record?.newImage?.Message, 'This item has changed');
    assert.equal(text(record?.newImage?.Id), '101');
    assert.equal(record?.oldImage?.Message, 'New item!');
    assert.equal(text(record?.oldImage?.Id), '101');
  };

  it('aws-lambda-java-libs/dynamo_event.json: testLoadDynamoEvent', () => {
    const decoded = decodeAll('aws-lambda-java-libs/dynamo_event.json');
    assert.deepEqual(decoded.map((d) => d.record.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
    modifyRecordAssertions(decoded[1]?.record);
    assert.equal(decoded[0]?.record.approximateCreationTime?.getTime(), 1428537600_000);
    assert.equal(decoded[2]?.record.image.Message, 'This item has changed');
    assertLosslessImages(decoded);
  });

  it('aws-lambda-java-libs/dynamo_ddb_stream_record.json: testLoadDynamoDbStreamRecord (bare record)', () => {
    const decoded = decodeAll('aws-lambda-java-libs/dynamo_ddb_stream_record.json');
    assert.equal(decoded.length, 1);
    modifyRecordAssertions(decoded[0]?.record);
    assertLosslessImages(decoded);
  });

  it('aws-lambda-java-libs/dynamo_time_window_event.json: 2 records without creation time, lossless', () => {
    const decoded = decodeAll('aws-lambda-java-libs/dynamo_time_window_event.json');
    assert.deepEqual(decoded.map((d) => [d.record.eventId, d.record.op, d.record.sequenceNumber]), [['1', 'I', '111'], ['2', 'U', '222']]);
    for (const { record } of decoded) assert.equal(record.approximateCreationTime, undefined);
    assertLosslessImages(decoded);
  });

  it('aws-lambda-java-libs/kinesis_event.json: testLoadKinesisEvent', () => {
    assertKinesisText('aws-lambda-java-libs/kinesis_event.json', [
      { partitionKey: 'partitionKey-03', sequenceNumber: '49545115243490985018280067714973144582180062593244200961', text: 'Hello, this is a test 123.', arrivalMs: 1428537600_000 },
    ]);
  });

  it('aws-lambda-java-libs/kinesis_time_window_event.json: 1 envelope, window fields ignored', () => {
    assertKinesisText('aws-lambda-java-libs/kinesis_time_window_event.json', [
      { partitionKey: '1', sequenceNumber: '49590338271490256608559692538361571095921575989136588898', text: 'Hello, this is a test.', arrivalMs: 1607497475000 },
    ]);
  });
});
