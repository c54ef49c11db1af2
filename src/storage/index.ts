/**
 * The storage layer's public face: the `ObjectStore` port, key rules, the adapters and the
 * factory that picks one from configuration. Other folders import only this file.
 */
export type {
  ListEntry,
  ListOptions,
  ListResult,
  LocalFileAccess,
  ObjectInfo,
  ObjectStore,
  ObjectStoreCapabilities,
  PutOptions,
} from './object-store.ts';
export { hasLocalFileAccess } from './object-store.ts';
export { MAX_KEY_BYTES, assertValidKey, assertValidPrefix, compareKeys, joinKey } from './object-key.ts';
export type { StorageErrorCode } from './storage-errors.ts';
export { LocalObjectStore, LOCAL_TEMP_DIR } from './local/local-object-store.ts';
export type { LocalObjectStoreOptions } from './local/local-object-store.ts';
export { S3ObjectStore } from './s3/s3-object-store.ts';
export type { S3ClientLike, S3ObjectStoreOptions } from './s3/s3-object-store.ts';
export { MemoryObjectStore } from './memory/memory-object-store.ts';
export type { PutFaultOptions } from './memory/memory-object-store.ts';
export { createObjectStore } from './create-object-store.ts';
export type { ObjectStoreConfig } from './create-object-store.ts';
