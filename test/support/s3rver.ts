import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { selectListing } from '../../src/storage/select-listing.ts';
import { tempDir } from './paths.ts';

interface S3rverListOptions {
  prefix?: string;
  delimiter?: string;
  startAfter?: string;
  maxKeys?: number;
}
interface S3rverListing {
  objects: { key: string }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

// The few members of s3rver's (untyped, CommonJS) server class these tests use.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  store: { listObjects(bucket: string, options: S3rverListOptions): Promise<S3rverListing> };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const require = createRequire(import.meta.url);

/**
 * s3rver 3.7 lists in directory order and misses common prefixes of folders that hold only
 * folders (`a/b/c` with delimiter `/` yields no `a/`). Tests exercise the adapter against S3's
 * documented listing, so this replaces the server's listing with one that walks everything
 * under the prefix, orders keys by UTF-8 bytes and rolls up at the delimiter. It returns every
 * match in one page (pagination is tested with a scripted client instead).
 */
function fixListing(server: S3rverInstance): void {
  const store = server.store;
  const walk = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const prefix = options.prefix ?? '';
    const all = await walk(bucket, { prefix, maxKeys: Number.POSITIVE_INFINITY });
    const byKey = new Map(all.objects.map((object) => [object.key, object]));
    const listing = selectListing(byKey.keys(), prefix, { startAfter: options.startAfter || undefined, delimiter: options.delimiter });
    return { objects: listing.keys.map((key) => byKey.get(key)!), commonPrefixes: listing.prefixes, isTruncated: false };
  };
}

/** A running s3rver: an S3-compatible endpoint on loopback, for tests. */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>`; use with `forcePathStyle: true`. */
  endpoint: string;
  /** A bucket created at start. */
  bucket: string;
  /** Credentials s3rver accepts. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1 on a free port, storing objects in a fresh temporary directory,
 * with one bucket (`bucket`, default `lakestack-test`) already created.
 */
export async function startS3rver(bucket = 'lakestack-test'): Promise<S3rverHandle> {
  const S3rver = require('s3rver') as S3rverConstructor;
  const data = await tempDir('lakestack-s3rver-');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: data.dir,
    configureBuckets: [{ name: bucket }],
  });
  fixListing(server);
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (err) {
    await data.cleanup();
    throw err;
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    stop: async () => {
      server.httpServer?.closeAllConnections(); // keep-alive sockets would hold close() open
      await server.close();
      await data.cleanup();
    },
  };
}
