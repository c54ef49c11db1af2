/**
 * A delivery worker thread: builds the pipeline's schemas once, then transforms batches
 * (`transformBatch`) as the pool sends them, transferring the encoded Avro back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LakestackError } from '../../errors.ts';
import { parseAvroSchema } from '../../formats/avro/index.ts';
import { transformBatch } from './batch-transform.ts';
import type { TransformInput, TransformSettings } from './batch-transform.ts';
import { deliverySchemaOf } from './delivery-schema.ts';
import type { ThreadRequest, ThreadResponse, ThreadSettings } from './delivery-pool.ts';

const init = workerData as ThreadSettings;
const settings: TransformSettings = {
  typeField: init.typeField,
  codec: init.codec,
  schemas: new Map(Object.entries(init.schemas).map(([type, s]) => [type, deliverySchemaOf(type, parseAvroSchema(s.json as object, { source: s.file }), s.file)])),
  ...(init.partitionDateField ? { partitionDateField: init.partitionDateField } : {}),
};

parentPort!.on('message', (request: ThreadRequest) => {
  let response: ThreadResponse;
  const transfer: ArrayBuffer[] = [];
  try {
    const output = transformBatch(settings, request.input as TransformInput);
    for (const group of output.groups) {
      // a small Buffer may share Node's allocation pool: send a copy that owns its memory
      const owned = group.body.byteOffset === 0 && group.body.byteLength === group.body.buffer.byteLength ? group.body : new Uint8Array(group.body);
      group.body = owned;
      transfer.push(owned.buffer as ArrayBuffer);
    }
    response = { id: request.id, output };
  } catch (err) {
    const e = err as Error;
    response = { id: request.id, error: { name: e.name, message: e.message, code: err instanceof LakestackError ? err.code : 'DELIVERY_THREAD_FAILED', stack: e.stack ?? '' } };
  }
  parentPort!.postMessage(response, transfer);
});
