import { ValidationError } from '../errors.ts';
import { LocalObjectStore } from './local/local-object-store.ts';
import { MemoryObjectStore } from './memory/memory-object-store.ts';
import type { ObjectStore } from './object-store.ts';
import { S3ObjectStore } from './s3/s3-object-store.ts';

/** Where objects live: one variant per adapter, chosen by `kind`. */
export type ObjectStoreConfig =
  | {
      kind: 'local';
      /** Directory holding the objects. */
      root: string;
    }
  | {
      kind: 's3';
      bucket: string;
      /** Key prefix every object lives under; a `/` is appended when missing. */
      prefix?: string;
      /** Custom S3-compatible endpoint, e.g. `http://127.0.0.1:9000`. */
      endpoint?: string;
      /** Default `us-east-1`. */
      region?: string;
      forcePathStyle?: boolean;
      /** Static credentials; both or neither. Default: the SDK's provider chain. */
      accessKeyId?: string;
      secretAccessKey?: string;
      /** Whether the endpoint honours `If-None-Match: *` on put (default true); false emulates it with a HEAD. */
      conditionalPut?: boolean;
    }
  | { kind: 'memory' };

/**
 * Builds the object store adapter `config` names. Errors: `ValidationError` when only one of
 * `accessKeyId` / `secretAccessKey` is set, or the kind is unknown.
 */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.kind) {
    case 'local':
      return new LocalObjectStore({ root: config.root });
    case 's3': {
      const { accessKeyId, secretAccessKey } = config;
      if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
        throw new ValidationError(
          'STORAGE_INVALID_CONFIG',
          `object store config for bucket "${config.bucket}" sets only one of accessKeyId and secretAccessKey; set both, or neither to use the default credential chain`,
          { fields: { path: accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey' } },
        );
      }
      return new S3ObjectStore({
        bucket: config.bucket,
        prefix: config.prefix,
        endpoint: config.endpoint,
        region: config.region,
        forcePathStyle: config.forcePathStyle,
        conditionalPut: config.conditionalPut,
        credentials: accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : undefined,
      });
    }
    case 'memory':
      return new MemoryObjectStore();
    default: {
      const unknownKind: never = config;
      throw new ValidationError(
        'STORAGE_INVALID_CONFIG',
        `object store kind ${JSON.stringify((unknownKind as { kind?: unknown }).kind)} is unknown; use "local", "s3" or "memory"`,
        { fields: { path: 'kind' } },
      );
    }
  }
}
