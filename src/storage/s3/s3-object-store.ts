import { createHash, randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type {
  BucketLocationConstraint,
  GetObjectCommandOutput,
  HeadObjectCommandOutput,
  ListObjectsV2CommandOutput,
  PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { md5Etag, toBytes } from '../md5-etag.ts';
import { assertValidKey, assertValidPrefix, compareKeys } from '../object-key.ts';
import type { ListEntry, ListOptions, ListResult, ObjectInfo, ObjectStore, ObjectStoreCapabilities, PutOptions } from '../object-store.ts';
import { objectAlreadyExists } from '../storage-errors.ts';
import { translateS3Error } from './s3-errors.ts';

/** The commands this adapter sends. */
export type S3Command =
  | PutObjectCommand
  | GetObjectCommand
  | HeadObjectCommand
  | DeleteObjectCommand
  | ListObjectsV2Command
  | HeadBucketCommand
  | CreateBucketCommand;

/** The slice of `S3Client` the adapter uses; tests pass a fake to script pages and failures. */
export interface S3ClientLike {
  send(command: S3Command): Promise<unknown>;
  destroy(): void;
}

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Every key lives under this prefix; a `/` is appended when missing. Default: none. */
  prefix?: string;
  /** Custom endpoint of an S3-compatible store (MinIO, s3rver), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Default `us-east-1`. */
  region?: string;
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint` (needed by most local servers). */
  forcePathStyle?: boolean;
  /** Static credentials; default: the SDK's provider chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Whether the endpoint honours `If-None-Match: *` on PutObject (AWS S3 and MinIO do; s3rver
   * ignores it). Default true. When false, `ifNoneMatch` is emulated with a HEAD before the
   * PUT, which detects an existing key but races with a concurrent writer; see
   * `probeConditionalPut()` to find out.
   */
  conditionalPut?: boolean;
  /**
   * Whether readers never see a partly written object. True for S3 and real S3-compatible
   * stores (the default); s3rver writes files in place, so tests against it say false.
   */
  atomicPut?: boolean;
  /** Keys per ListObjectsV2 page (1–1000). Default 1000. */
  pageSize?: number;
  /** Use this client instead of building one (tests). The store destroys it on close(). */
  client?: S3ClientLike;
}

/** Trims the configured prefix to `''` or a valid prefix ending in `/`. */
function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  const withSlash = prefix.endsWith('/') ? prefix : `${prefix}/`;
  assertValidPrefix(withSlash);
  return withSlash;
}

function isStatus(err: unknown, status: number): boolean {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === status;
}

/**
 * Objects in an S3 bucket (AWS or any S3-compatible endpoint) through AWS SDK v3, under an
 * optional key prefix. Puts are atomic on S3 (it never shows a partial object) and send
 * Content-MD5 so the store verifies the bytes. SDK errors are translated by `translateS3Error`.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  readonly location: string;
  readonly bucket: string;
  /** The key prefix every object lives under (`''` or ending in `/`). */
  readonly prefix: string;

  private readonly client: S3ClientLike;
  private readonly region: string;
  private readonly pageSize: number;
  private readonly atomic: boolean;
  private conditional: boolean;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.location = `s3://${this.bucket}/${this.prefix}`;
    this.region = options.region ?? 'us-east-1';
    this.pageSize = options.pageSize ?? 1000;
    this.atomic = options.atomicPut ?? true;
    this.conditional = options.conditionalPut ?? true;
    this.client =
      options.client ??
      new S3Client({
        region: this.region,
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle,
        credentials: options.credentials,
        // S3-compatible servers often reject the SDK's newer default checksums; Content-MD5 covers integrity
        ...(options.endpoint === undefined ? {} : { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
      });
  }

  get capabilities(): ObjectStoreCapabilities {
    return { atomicPut: this.atomic, conditionalPut: this.conditional };
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidKey(key);
    const fullKey = this.prefix + key;
    const bytes = toBytes(body);
    const exclusive = options.ifNoneMatch === '*';
    try {
      // emulation: detects an existing key, but a writer between this HEAD and the PUT still wins silently
      if (exclusive && !this.conditional && (await this.headFull(fullKey)) !== undefined) {
        throw objectAlreadyExists(key, this.location);
      }
      const output = (await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: fullKey,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentMD5: createHash('md5').update(bytes).digest('base64'),
          ContentType: options.contentType,
          IfNoneMatch: exclusive && this.conditional ? '*' : undefined,
        }),
      )) as PutObjectCommandOutput;
      return { key, size: bytes.byteLength, etag: output.ETag ?? md5Etag(bytes), lastModified: new Date() };
    } catch (err) {
      throw this.translate(err, 'put', key);
    }
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    try {
      const output = (await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }))) as GetObjectCommandOutput;
      if (!output.Body) return Buffer.alloc(0);
      const bytes = await output.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      throw this.translate(err, 'get', key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertValidKey(key);
    try {
      const output = await this.headFull(this.prefix + key);
      if (output === undefined) return undefined;
      return {
        key,
        size: output.ContentLength ?? 0,
        etag: output.ETag ?? '',
        lastModified: output.LastModified ?? new Date(0),
      };
    } catch (err) {
      throw this.translate(err, 'head', key);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    assertValidPrefix(prefix);
    const objects: ListEntry[] = [];
    const prefixes = new Set<string>();
    const delimiter = options.delimiter === '' ? undefined : options.delimiter;
    let continuationToken: string | undefined;
    try {
      do {
        const page = (await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            Delimiter: delimiter,
            StartAfter: options.startAfter === undefined ? undefined : this.prefix + options.startAfter,
            ContinuationToken: continuationToken,
            MaxKeys: this.pageSize,
          }),
        )) as ListObjectsV2CommandOutput;
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({
            key: item.Key.slice(this.prefix.length),
            size: item.Size ?? 0,
            etag: item.ETag ?? '',
            lastModified: item.LastModified ?? new Date(0),
          });
        }
        for (const common of page.CommonPrefixes ?? []) {
          if (common.Prefix !== undefined) prefixes.add(common.Prefix.slice(this.prefix.length));
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken !== undefined);
    } catch (err) {
      throw this.translate(err, 'list', undefined, prefix);
    }
    // S3 already returns UTF-8 byte order; some compatible servers (s3rver) return folder order
    objects.sort((a, b) => compareKeys(a.key, b.key));
    return { objects, prefixes: [...prefixes].sort(compareKeys) };
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    } catch (err) {
      throw this.translate(err, 'delete', key);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Creates the bucket when it does not exist (development and tests; production buckets come from infrastructure). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isStatus(err, 404) && (err as { name?: string }).name !== 'NotFound') throw this.translate(err, 'head bucket');
    }
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          // us-east-1 is the default location and must not be named
          CreateBucketConfiguration: this.region === 'us-east-1' ? undefined : { LocationConstraint: this.region as BucketLocationConstraint },
        }),
      );
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return;
      throw this.translate(err, 'create bucket');
    }
  }

  /**
   * Finds out whether the endpoint honours `If-None-Match: *` by putting a probe object
   * (`<prefix>.lakestack-probe/<uuid>`) twice, then deletes it. Sets
   * `capabilities.conditionalPut` to the answer and returns it.
   */
  async probeConditionalPut(): Promise<boolean> {
    const probeKey = `${this.prefix}.lakestack-probe/${randomUUID()}`;
    const putProbe = () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: probeKey, Body: Buffer.from('probe'), IfNoneMatch: '*' }));
    try {
      await putProbe();
      try {
        await putProbe();
        this.conditional = false;
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (!isStatus(err, 412) && name !== 'PreconditionFailed') throw err;
        this.conditional = true;
      }
    } catch (err) {
      throw this.translate(err, 'probe conditional put', probeKey.slice(this.prefix.length));
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: probeKey })).catch(() => undefined);
    }
    return this.conditional;
  }

  /** HeadObject of a full key; undefined when absent. */
  private async headFull(fullKey: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }))) as HeadObjectCommandOutput;
    } catch (err) {
      if (isStatus(err, 404) || (err as { name?: string }).name === 'NotFound') return undefined;
      throw err;
    }
  }

  private translate(err: unknown, operation: string, callerKey?: string, listPrefix?: string) {
    const key = callerKey === undefined ? (listPrefix === undefined ? undefined : this.prefix + listPrefix) : this.prefix + callerKey;
    return translateS3Error(err, { operation, bucket: this.bucket, key, callerKey, location: this.location });
  }
}
