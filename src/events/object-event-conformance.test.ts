import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { conformanceDir } from '../../test/support/paths.ts';
import type { ObjectCreatedEvent, ObjectDeletedEvent, ObjectEvent } from './object-event.ts';
import { InvalidS3NotificationError, decodeS3Key, parseS3Notification } from './s3-notification.ts';

// Expectations come from PROVENANCE.md. The sources test their own decoders ("lossless round trip",
// "result equals input"); for us that becomes: the message parses, object created/deleted records
// become the EventBridge-shaped event S3 would send, other record types yield nothing, and every
// key comes out decoded (equal to the source's `urlDecodedKey` where it records one).

const dir = conformanceDir('s3-events');

function files(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const path = join(root, entry.name);
    if (entry.isDirectory()) return files(path);
    return [relative(dir, path).split(sep).join('/')];
  });
}

interface NotificationRecord {
  eventName: string;
  s3: { object: { key: string; urlDecodedKey?: string } };
}

function load(file: string): unknown {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
}

function records(file: string): NotificationRecord[] {
  return (load(file) as { Records: NotificationRecord[] }).Records;
}

function only<T>(items: T[]): T {
  assert.equal(items.length, 1);
  return items[0] as T;
}

function created(events: ObjectEvent[]): ObjectCreatedEvent {
  const event = only(events);
  assert.equal(event['detail-type'], 'Object Created');
  return event as ObjectCreatedEvent;
}

function deleted(events: ObjectEvent[]): ObjectDeletedEvent {
  const event = only(events);
  assert.equal(event['detail-type'], 'Object Deleted');
  return event as ObjectDeletedEvent;
}

/** A record S3 sends that is not an object created/deleted event: accepted, no event, key decodes. */
function otherRecordType(file: string, eventName: string, decodedKey: string): void {
  const record = only(records(file));
  assert.equal(record.eventName, eventName);
  assert.equal(record.s3.object.urlDecodedKey, decodedKey);
  assert.equal(decodeS3Key(record.s3.object.key), decodedKey);
  assert.deepEqual(parseS3Notification(load(file)), []);
}

const expectations: Record<string, () => void> = {
  'PROVENANCE.md': () => {
    const text = readFileSync(join(dir, 'PROVENANCE.md'), 'utf8');
    // the provenance of every source folder is stated
    for (const folder of new Set(files(dir).filter((f) => f.includes('/')).map((f) => f.split('/')[0]))) assert.ok(text.includes(`## ${folder}/`), `${folder}/ is described`);
  },

  'aws-lambda-go/s3-event.json': () => {
    // TestS3EventMarshaling: the decoded form is s3-event-with-decoded.json's urlDecodedKey
    const expected = only(records('aws-lambda-go/s3-event-with-decoded.json'));
    const event = created(parseS3Notification(load('aws-lambda-go/s3-event.json')));
    assert.equal(event.detail.object.key, expected.s3.object.urlDecodedKey);
    assert.equal(event.detail.object.key, 'Happy Face.jpg');
    assert.deepEqual(event.detail.object, { key: 'Happy Face.jpg', size: 1024, etag: 'd41d8cd98f00b204e9800998ecf8427e', 'version-id': 'version', sequencer: 'Happy Sequencer' });
    assert.equal(event.time, '1970-01-01T00:00:00Z');
    assert.equal(event.region, 'us-east-1');
    assert.deepEqual(event.resources, ['arn:aws:s3:::sourcebucket']);
    assert.equal(event.detail.bucket.name, 'sourcebucket');
    assert.equal(event.detail['request-id'], 'C3D13FE58DE4C810');
    assert.equal(event.detail['source-ip-address'], '127.0.0.1');
    assert.equal(event.detail.reason, 'PutObject');
  },
  'aws-lambda-go/s3-event-with-decoded.json': () => {
    const text = readFileSync(join(dir, 'aws-lambda-go/s3-event-with-decoded.json'), 'utf8');
    const event = created(parseS3Notification(text));
    assert.equal(event.detail.object.key, only(records('aws-lambda-go/s3-event-with-decoded.json')).s3.object.urlDecodedKey);
    // the same record without urlDecodedKey gives the same event: the key is decoded, not copied
    assert.deepEqual(parseS3Notification(load('aws-lambda-go/s3-event.json')), [event]);
  },
  'aws-lambda-go/s3-glacier-event.json': () => otherRecordType('aws-lambda-go/s3-glacier-event.json', 's3:ObjectRestore:Completed', 'glacier-test.txt'),
  'aws-lambda-go/s3-restore-event.json': () => otherRecordType('aws-lambda-go/s3-restore-event.json', 's3:ObjectRestore:Completed', 'glacier-test.txt'),
  'aws-lambda-go/s3-intelligenttier-event.json': () =>
    otherRecordType('aws-lambda-go/s3-intelligenttier-event.json', 's3:IntelligentTiering:TransitionAccess', 'intelligent-tier-test.dat'),
  'aws-lambda-go/s3-lifecycle-event.json': () => otherRecordType('aws-lambda-go/s3-lifecycle-event.json', 's3:LifecycleTransition', 'lifecycle-test.dat'),
  'aws-lambda-go/s3-replication-event.json': () =>
    otherRecordType('aws-lambda-go/s3-replication-event.json', 's3:Replication:OperationFailedReplication', 'replication-test.png'),

  'aws-lambda-java-libs/s3_event.json': () => {
    // testLoadS3Event: one record; key test/key, urlDecodedKey test/key
    assert.equal(records('aws-lambda-java-libs/s3_event.json').length, 1);
    const event = created(parseS3Notification(load('aws-lambda-java-libs/s3_event.json')));
    // versionId "" means an unversioned bucket: EventBridge leaves version-id out
    assert.deepEqual(event.detail.object, { key: 'test/key', size: 1024, etag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B2C3D4E5F678901' });
    assert.equal(event.region, 'eu-central-1');
    assert.equal(event.detail.bucket.name, 'example-bucket');
  },

  'powertools-typescript/base.json': () => {
    const input = load('powertools-typescript/base.json');
    const event = created(parseS3Notification(input));
    assert.deepEqual(event, {
      version: '0',
      id: event.id,
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      time: '2019-09-03T19:37:27Z',
      region: 'us-east-2',
      resources: ['arn:aws:s3:::lambda-artifacts-deafc19498e3f2df'],
      detail: {
        version: '0',
        bucket: { name: 'lambda-artifacts-deafc19498e3f2df' },
        object: { key: 'b21b84d653bb07b05b1e6b33684dc11b', size: 1305107, etag: 'b21b84d653bb07b05b1e6b33684dc11b', sequencer: '0C0F6F405D6ED209E1' },
        'request-id': 'D82B88E5F771F645',
        requester: 'AWS:AIDAINPONIXQXHT3IKHL2',
        'source-ip-address': '205.255.255.255',
        reason: 'PutObject',
      },
    });
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(only(parseS3Notification(input)).id, event.id, 'a redelivered notification keeps its event id');

    // the source's rejections: no records; a record without its bucket name
    assert.throws(() => parseS3Notification({ Records: [] }), (err: unknown) => err instanceof InvalidS3NotificationError && err.code === 'S3_NOTIFICATION_INVALID');
    const withoutBucketName = structuredClone(input) as { Records: [{ s3: { bucket: { name?: string } } }] };
    delete withoutBucketName.Records[0].s3.bucket.name;
    assert.throws(
      () => parseS3Notification(withoutBucketName),
      (err: unknown) => err instanceof InvalidS3NotificationError && err.fields.path === '$.Records[0].s3.bucket.name' && /name is missing/.test(err.message),
    );
  },
  'powertools-typescript/decoded-key.json': () => {
    const record = only(records('powertools-typescript/decoded-key.json'));
    const event = created(parseS3Notification(load('powertools-typescript/decoded-key.json')));
    assert.equal(event.detail.object.key, record.s3.object.urlDecodedKey);
    assert.equal(event.detail.object.key, 'Happy Face.jpg');
  },
  'powertools-typescript/delete-object.json': () => {
    const event = deleted(parseS3Notification(load('powertools-typescript/delete-object.json')));
    assert.deepEqual(event.detail.object, { key: 'b21b84d653bb07b05b1e6b33684dc11b', sequencer: '0C0F6F405D6ED209E1' });
    assert.equal(event.detail.reason, 'DeleteObject');
    assert.equal(event.detail['deletion-type'], 'Permanently Deleted');
    assert.equal(event.time, '2019-09-03T19:37:27Z');
  },
  'powertools-typescript/glacier.json': () => {
    const event = created(parseS3Notification(load('powertools-typescript/glacier.json')));
    assert.equal(event.detail.object.key, 'b21b84d653bb07b05b1e6b33684dc11b');
    assert.equal(event.detail.object.size, 1305107);
  },
  'powertools-typescript/s3-lifecycle-event.json': () => {
    const event = deleted(parseS3Notification(load('powertools-typescript/s3-lifecycle-event.json')));
    assert.equal(event.detail.object.key, 'expiration/delete');
    assert.equal(event.detail.reason, 'Lifecycle Expiration');
    assert.equal(event.detail['deletion-type'], 'Permanently Deleted');
    assert.equal(event.detail.requester, 's3.amazonaws.com');
    // like S3's own "Object Deleted" for lifecycle expirations: no source IP
    assert.equal(event.detail['source-ip-address'], undefined);
  },
  'powertools-typescript/eventbridge-object-created.json': () => {
    const input = load('powertools-typescript/eventbridge-object-created.json');
    assert.deepEqual(parseS3Notification(input), [input]);
  },
  'powertools-typescript/eventbridge-object-deleted.json': () => {
    const input = load('powertools-typescript/eventbridge-object-deleted.json');
    assert.deepEqual(parseS3Notification(input), [input]);
  },
  'powertools-typescript/eventbridge-object-expired.json': () => {
    const input = load('powertools-typescript/eventbridge-object-expired.json');
    assert.deepEqual(parseS3Notification(input), [input]);
  },
  'powertools-typescript/eventbridge-object-restored.json': () => {
    const input = load('powertools-typescript/eventbridge-object-restored.json') as { 'detail-type': string };
    assert.equal(input['detail-type'], 'Object Restore Completed');
    assert.deepEqual(parseS3Notification(input), []);
  },
  'powertools-typescript/sqs-event.json': () => {
    const input = load('powertools-typescript/sqs-event.json') as { Records: [{ body: string }] };
    const events = parseS3Notification(input);
    // same result as parsing the JSON-parsed body directly
    assert.deepEqual(events, parseS3Notification(JSON.parse(input.Records[0].body)));
    const event = created(events);
    assert.deepEqual(event.detail.object, {
      key: 'test.pdf',
      size: 104681,
      etag: '2e3ad1e983318bbd8e73b080e2997980',
      'version-id': 'yd3d4HaWOT2zguDLvIQLU6ptDTwKBnQV',
      sequencer: '00643717F9F8B85354',
    });
    assert.equal(event.detail.bucket.name, 'xxx');
    assert.equal(event.time, '2023-04-12T20:43:38Z');
    assert.equal(event.detail['source-ip-address'], '93.108.161.96');
  },
};

describe('S3 event conformance (aws-lambda-go, aws-lambda-java-libs, powertools vectors)', () => {
  const ran = new Set<string>();
  for (const [file, check] of Object.entries(expectations)) {
    it(file, () => {
      check();
      ran.add(file);
    });
  }

  it('covered every file in the folder', () => {
    const present = files(dir).sort();
    assert.ok(present.length > 0);
    assert.deepEqual(Object.keys(expectations).sort(), present, 'each vector file has exactly one expectation');
    assert.deepEqual([...ran].sort(), present, 'each expectation ran and passed');
  });
});
