import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryObjectStore } from '../storage/memory/memory-object-store.ts';
import { bucketArn, objectCreatedEvent, objectDeletedEvent } from './object-event.ts';
import type { ObjectCreatedEvent, ObjectDeletedEvent } from './object-event.ts';
import { InvalidS3NotificationError, decodeS3Key, encodeS3Key, parseS3Notification } from './s3-notification.ts';

function notification(eventName: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventTime: '2026-11-23T10:20:30.456Z',
        eventName,
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '10.1.2.3' },
        responseElements: { 'x-amz-request-id': 'REQ123', 'x-amz-id-2': 'host' },
        s3: { s3SchemaVersion: '1.0', configurationId: 'cfg', bucket: { name: 'lake', arn: 'arn:aws:s3:::lake' }, object },
        ...extra,
      },
    ],
  };
}

function sqs(...bodies: unknown[]) {
  return { Records: bodies.map((body, i) => ({ messageId: `m${i}`, eventSource: 'aws:sqs', body: JSON.stringify(body), awsRegion: 'eu-west-1' })) };
}

function only<T>(items: T[]): T {
  assert.equal(items.length, 1);
  return items[0] as T;
}

function rejects(message: unknown, path: string, reason: RegExp): void {
  assert.throws(
    () => parseS3Notification(message),
    (err: unknown) => err instanceof InvalidS3NotificationError && err.code === 'S3_NOTIFICATION_INVALID' && err.fields.path === path && reason.test(err.message),
  );
}

describe('decodeS3Key', () => {
  it('decodes form encoding: + is a space, %2B a plus', () => {
    assert.equal(decodeS3Key('red+flower.jpg'), 'red flower.jpg');
    assert.equal(decodeS3Key('c%2B%2B+notes.txt'), 'c++ notes.txt');
    assert.equal(decodeS3Key('Happy%20Face.jpg'), 'Happy Face.jpg');
    assert.equal(decodeS3Key('dt%3D2026-11-23/part%3A1.csv'), 'dt=2026-11-23/part:1.csv');
    assert.equal(decodeS3Key('test%2Fkey'), 'test/key');
    assert.equal(decodeS3Key('100%25.csv'), '100%.csv');
  });

  it('decodes UTF-8 percent escapes', () => {
    assert.equal(decodeS3Key('caf%C3%A9/r%C3%A9sum%C3%A9.pdf'), 'café/résumé.pdf');
    assert.equal(decodeS3Key('%E6%97%A5%E6%9C%AC+%F0%9F%98%80.txt'), '日本 😀.txt');
  });

  it('round-trips with encodeS3Key', () => {
    for (const key of ['a b+c', 'landing/dt=2026-11-23/x (1).csv', 'café 😀/%zz', '~!*()\'&$,;@?#[]']) {
      assert.equal(decodeS3Key(encodeS3Key(key)), key);
    }
    assert.equal(encodeS3Key('daily report+v2/é.csv'), 'daily+report%2Bv2/%C3%A9.csv');
  });

  it('rejects malformed escapes, naming the key', () => {
    for (const bad of ['50%.csv', '%ZZ', '%C3', '%FF%FE']) {
      assert.throws(() => decodeS3Key(bad), (err: unknown) => err instanceof InvalidS3NotificationError && err.message.includes(JSON.stringify(bad)));
    }
  });
});

describe('parseS3Notification', () => {
  it('turns an ObjectCreated record into an Object Created event with the decoded key', () => {
    const event = only(parseS3Notification(notification('ObjectCreated:CompleteMultipartUpload', { key: 'in/daily+report%2Bv2%C3%A9.csv', size: 10, eTag: '"abc-2"', sequencer: '01' })));
    assert.equal(event['detail-type'], 'Object Created');
    assert.equal(event.detail.object.key, 'in/daily report+v2é.csv');
    assert.equal(event.detail.object.etag, 'abc-2');
    assert.equal(event.detail.reason, 'CompleteMultipartUpload');
    assert.equal(event.time, '2026-11-23T10:20:30Z');
    assert.deepEqual(event.resources, ['arn:aws:s3:::lake']);
    assert.equal(event.account, '000000000000');
  });

  it('maps each ObjectCreated action to its EventBridge reason', () => {
    const reasons = Object.entries({ Put: 'PutObject', Post: 'POST Object', Copy: 'CopyObject', CompleteMultipartUpload: 'CompleteMultipartUpload' });
    for (const [action, reason] of reasons) {
      const event = only(parseS3Notification(notification(`ObjectCreated:${action}`, { key: 'k', size: 1, eTag: 'e' }), { account: '111122223333' }));
      assert.equal(event.detail.reason, reason);
      assert.equal(event.account, '111122223333');
    }
  });

  it('turns removals and lifecycle expirations into Object Deleted events', () => {
    const cases = [
      ['ObjectRemoved:Delete', 'DeleteObject', 'Permanently Deleted'],
      ['ObjectRemoved:DeleteMarkerCreated', 'DeleteObject', 'Delete Marker Created'],
      ['LifecycleExpiration:Delete', 'Lifecycle Expiration', 'Permanently Deleted'],
      ['s3:LifecycleExpiration:DeleteMarkerCreated', 'Lifecycle Expiration', 'Delete Marker Created'],
    ];
    for (const [eventName = '', reason, deletionType] of cases) {
      const event = only(parseS3Notification(notification(eventName, { key: 'old+file.csv', sequencer: '02', versionId: 'v1' })));
      assert.equal(event['detail-type'], 'Object Deleted', eventName);
      assert.equal(event.detail.reason, reason);
      assert.equal((event as ObjectDeletedEvent).detail['deletion-type'], deletionType);
      assert.deepEqual(event.detail.object, { key: 'old file.csv', 'version-id': 'v1', sequencer: '02' });
    }
  });

  it('ignores test events, direct or in SQS, and non-object events', () => {
    const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-11-23T10:00:00.000Z', Bucket: 'lake', RequestId: 'R', HostId: 'H' };
    assert.deepEqual(parseS3Notification(testEvent), []);
    assert.deepEqual(parseS3Notification(JSON.stringify(testEvent)), []);
    assert.deepEqual(parseS3Notification(sqs(testEvent)), []);
    assert.deepEqual(parseS3Notification(notification('ObjectTagging:Put', { key: 'k', eTag: 'e' })), []);
    assert.deepEqual(parseS3Notification(notification('ObjectRestore:Post', { key: 'k', size: 1, eTag: 'e' })), []);
  });

  it('unwraps SQS batches and SNS envelopes, keeping record order', () => {
    const created = notification('ObjectCreated:Put', { key: 'a+1', size: 1, eTag: 'e1' });
    const snsEnvelope = { Type: 'Notification', MessageId: 'x', TopicArn: 'arn:aws:sns:eu-west-1:1:t', Message: JSON.stringify(notification('ObjectRemoved:Delete', { key: 'b%201' })) };
    const events = parseS3Notification(sqs(created, snsEnvelope, { Service: 'Amazon S3', Event: 's3:TestEvent' }));
    assert.deepEqual(
      events.map((e) => [e['detail-type'], e.detail.object.key]),
      [
        ['Object Created', 'a 1'],
        ['Object Deleted', 'b 1'],
      ],
    );
    const lambdaSns = { Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(created) } }] };
    assert.deepEqual(parseS3Notification(lambdaSns), parseS3Notification(created));
  });

  it('rejects unknown shapes with S3_NOTIFICATION_INVALID and the reason', () => {
    rejects({ hello: 'world' }, '$', /not an S3 event notification/);
    rejects([], '$', /expected an object, got an array/);
    rejects(null, '$', /expected an object, got null/);
    rejects('{"Records": [', '$', /text is not JSON/);
    rejects({ Records: {} }, '$.Records', /Records is not an array/);
    rejects({ Records: [{ eventSource: 'aws:dynamodb' }] }, '$.Records[0].eventSource', /"aws:dynamodb" is neither aws:s3 nor aws:sqs/);
    rejects(notification('ObjectCreated:Put', { key: 'k', eTag: 'e' }), '$.Records[0].s3.object.size', /size is missing/);
    rejects(notification('ObjectCreated:Put', { key: 'k', size: '12', eTag: 'e' }), '$.Records[0].s3.object.size', /not a byte count \("12"\)/);
    rejects(notification('ObjectCreated:Put', { key: '50%.csv', size: 1, eTag: 'e' }), '$.Records[0].s3.object.key', /"50%\.csv" is not valid URL encoding/);
    rejects(notification('ObjectCreated:Put', { key: 'k', size: 1, eTag: 'e' }, { eventTime: 'yesterday' }), '$.Records[0].eventTime', /"yesterday" is not an ISO-8601/);
    rejects(sqs({ nope: true }), '$.Records[0].body', /not an S3 event notification/);
    rejects({ Records: [{ eventSource: 'aws:sqs', body: 'plain text' }] }, '$.Records[0].body', /text is not JSON/);
    const eventBridge = objectCreatedEvent({ bucket: 'lake', key: 'k', size: 1, etag: 'e' }) as unknown as { detail: { object: Record<string, unknown> } };
    delete eventBridge.detail.object.etag;
    rejects(eventBridge, '$.detail.object.etag', /etag is missing/);
  });
});

describe('objectCreatedEvent', () => {
  it('builds the EventBridge "Object Created" shape, etag unquoted, time to the second', () => {
    const event = objectCreatedEvent({ bucket: 'lake', key: 'landing/a.csv', size: 5, etag: '"b1946ac92492d2347c6235b4d2611184"', time: new Date('2026-11-23T10:20:30.999Z') });
    assert.deepEqual(event, {
      version: '0',
      id: event.id,
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      time: '2026-11-23T10:20:30Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::lake'],
      detail: {
        version: '0',
        bucket: { name: 'lake' },
        object: { key: 'landing/a.csv', size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: event.detail.object.sequencer },
        'request-id': event.detail['request-id'],
        requester: '000000000000',
        reason: 'PutObject',
      },
    });
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(event.detail['request-id'], /^[A-Z0-9]{16}$/);
  });

  it('gives later events on the same key greater sequencers', () => {
    const time = new Date('2026-11-23T10:20:30Z');
    const sequencers = Array.from({ length: 5 }, () => objectCreatedEvent({ bucket: 'b', key: 'k', size: 1, etag: 'e', time }).detail.object.sequencer ?? '');
    for (let i = 1; i < sequencers.length; i++) assert.ok(BigInt(`0x${sequencers[i]}`) > BigInt(`0x${sequencers[i - 1]}`));
  });

  it('uses the partition of the region in the bucket ARN', () => {
    assert.equal(bucketArn('b', 'cn-north-1'), 'arn:aws-cn:s3:::b');
    assert.equal(bucketArn('b', 'us-gov-west-1'), 'arn:aws-us-gov:s3:::b');
    assert.deepEqual(objectCreatedEvent({ bucket: 'b', key: 'k', size: 1, etag: 'e', region: 'cn-north-1' }).resources, ['arn:aws-cn:s3:::b']);
  });
});

describe('EventBridge round trip', () => {
  // What S3 would put on EventBridge for the same object: identical, key URL-encoded like a notification's.
  function asDeliveredByEventBridge(event: ObjectCreatedEvent): unknown {
    const wire = structuredClone(event);
    wire.detail.object.key = encodeS3Key(wire.detail.object.key);
    return JSON.parse(JSON.stringify(wire));
  }

  it('the event built for a stored object equals what parse returns for the equivalent EventBridge event', async () => {
    const store = new MemoryObjectStore();
    const info = await store.put('landing/daily report+v2 é.csv', 'id,amount\n1,2\n');
    const event = objectCreatedEvent({
      bucket: 'lake',
      ...info,
      time: info.lastModified,
      region: 'eu-west-1',
      account: '111122223333',
      sourceIpAddress: '10.0.0.7',
      versionId: 'v3',
    });
    assert.equal(event.detail.object.etag, info.etag.slice(1, -1));
    assert.deepEqual(parseS3Notification(asDeliveredByEventBridge(event)), [event]);
    assert.deepEqual(parseS3Notification(JSON.stringify(asDeliveredByEventBridge(event))), [event]);
    // a producer that puts plain keys on the bus
    assert.deepEqual(parseS3Notification(JSON.parse(JSON.stringify(event)), { decodeEventBridgeKeys: false }), [event]);
  });

  it('holds for deleted events too, and for EventBridge events arriving through SQS', () => {
    const deleted = objectDeletedEvent({ bucket: 'lake', key: 'old file.csv', reason: 'Lifecycle Expiration', deletionType: 'Delete Marker Created', requester: 's3.amazonaws.com' });
    const wire = structuredClone(deleted);
    wire.detail.object.key = encodeS3Key(wire.detail.object.key);
    assert.deepEqual(parseS3Notification(sqs(wire)), [deleted]);
  });
});
