/**
 * The object store port: a flat key space of immutable-by-convention objects, like S3.
 * Adapters: `local/` (default, files on disk) and `s3/` (AWS SDK v3, any S3-compatible endpoint).
 * Keys are validated by `assertValidKey` before any adapter sees them.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Content hash in S3's form (quoted MD5 hex for single-part puts). */
  etag: string;
  lastModified: Date;
}

export interface PutOptions {
  contentType?: string;
  /** Fail with `ConflictError` if the key already exists (S3 `If-None-Match: *`). */
  ifNoneMatch?: '*';
}

export interface ListOptions {
  /** Only keys strictly after this one, in lexicographic order. */
  startAfter?: string;
  /** Group keys at the first occurrence of this delimiter after the prefix (S3 semantics). */
  delimiter?: string;
}

export type ListEntry = ObjectInfo;

export interface ListResult {
  objects: ListEntry[];
  /** With a delimiter: the common prefixes ("folders"), each ending in the delimiter. */
  prefixes: string[];
}

export interface ObjectStoreCapabilities {
  /** put() is all-or-nothing: readers never see a partial object. */
  atomicPut: boolean;
  /** put() honours `ifNoneMatch: '*'`. */
  conditionalPut: boolean;
}

export interface ObjectStore {
  /** Adapter name, e.g. `local` or `s3`. */
  readonly kind: string;
  /** Human description of where objects live (a directory or `s3://bucket/prefix`). */
  readonly location: string;
  readonly capabilities: ObjectStoreCapabilities;

  /** Writes the whole object; returns its info. Errors: `ValidationError` (bad key), `ConflictError` (ifNoneMatch). */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<ObjectInfo>;
  /** Reads the whole object. Errors: `NotFoundError`. */
  get(key: string): Promise<Buffer>;
  /** Object info, or undefined when absent. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Removes the object; absent keys are not an error (S3 semantics). */
  delete(key: string): Promise<void>;
  /** Releases clients and handles. */
  close(): Promise<void>;
}

/**
 * Optional ability: the object is a plain file on this machine that engines such as DuckDB can
 * open directly. The local adapter has it; remote adapters do not (the query layer caches).
 */
export interface LocalFileAccess {
  /** Absolute path of the file behind `key` (the file need not exist yet). */
  localPath(key: string): string;
}

export function hasLocalFileAccess(store: ObjectStore): store is ObjectStore & LocalFileAccess {
  return typeof (store as Partial<LocalFileAccess>).localPath === 'function';
}
