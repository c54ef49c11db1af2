import { TransientError } from '../../errors.ts';
import { md5Etag, toBytes } from '../md5-etag.ts';
import { assertValidKey, assertValidPrefix } from '../object-key.ts';
import type { ListOptions, ListResult, ObjectInfo, ObjectStore, ObjectStoreCapabilities, PutOptions } from '../object-store.ts';
import { selectListing } from '../select-listing.ts';
import { objectAlreadyExists, objectNotFound } from '../storage-errors.ts';

interface StoredObject {
  body: Buffer;
  info: ObjectInfo;
}

/** When a scheduled put fault fires relative to the write. */
export interface PutFaultOptions {
  /**
   * `false` (default): the put fails and nothing is stored, like a crash before the write.
   * `true`: the object is stored, then the put fails, like a response lost after the write.
   */
  afterWrite?: boolean;
}

interface PutFault {
  error: Error;
  afterWrite: boolean;
}

/**
 * An in-process object store for tests, with fault switches so crash, retry and race tests are
 * cheap and exact. Bodies are copied on the way in and out. Puts are atomic and `ifNoneMatch`
 * is exact (check and write happen in one tick).
 */
export class MemoryObjectStore implements ObjectStore {
  readonly kind = 'memory';
  readonly location: string;
  readonly capabilities: ObjectStoreCapabilities = Object.freeze({ atomicPut: true, conditionalPut: true });

  private readonly objects = new Map<string, StoredObject>();
  private readonly putFaults = new Map<number, PutFault>();
  private putCalls = 0;
  private listDelayMs = 0;

  /** @param name shown in `location` (`memory://<name>`) so messages can tell stores apart. */
  constructor(name = 'default') {
    this.location = `memory://${name}`;
  }

  /** Number of put() calls with a valid key so far, failed ones included. */
  get putCount(): number {
    return this.putCalls;
  }

  /**
   * Makes the n-th put() from now fail (1 = the next one) with `error`, by default a
   * `TransientError` with code `STORAGE_INJECTED_FAULT`. Several faults may be scheduled.
   */
  failNthPut(n: number, error?: Error, options: PutFaultOptions = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`failNthPut(n): n must be an integer >= 1, got ${n}`);
    const index = this.putCalls + n;
    this.putFaults.set(index, {
      error: error ?? new TransientError('STORAGE_INJECTED_FAULT', `injected fault: put #${index} to ${this.location} failed (failNthPut)`),
      afterWrite: options.afterWrite ?? false,
    });
  }

  /**
   * Delays every later list() by `ms` milliseconds (0 turns it off). The result reflects the
   * store when list() was called, so a write during the delay is missing from it, like a slow,
   * stale listing.
   */
  delayList(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`delayList(ms): ms must be >= 0, got ${ms}`);
    this.listDelayMs = ms;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidKey(key);
    this.putCalls += 1;
    const fault = this.putFaults.get(this.putCalls);
    this.putFaults.delete(this.putCalls);
    if (fault && !fault.afterWrite) throw fault.error;
    if (options.ifNoneMatch === '*' && this.objects.has(key)) throw objectAlreadyExists(key, this.location);
    const copy = Buffer.from(toBytes(body));
    const info: ObjectInfo = { key, size: copy.byteLength, etag: md5Etag(copy), lastModified: new Date() };
    this.objects.set(key, { body: copy, info });
    if (fault) throw fault.error;
    return { ...info };
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    const stored = this.objects.get(key);
    if (!stored) throw objectNotFound(key, this.location);
    return Buffer.from(stored.body);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    const stored = this.objects.get(key);
    return stored ? { ...stored.info } : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    assertValidPrefix(prefix);
    const listing = selectListing(this.objects.keys(), prefix, options);
    const objects = listing.keys.map((key) => ({ ...this.objects.get(key)!.info }));
    if (this.listDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.listDelayMs));
    return { objects, prefixes: listing.prefixes };
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.objects.delete(key);
  }

  async close(): Promise<void> {}
}
