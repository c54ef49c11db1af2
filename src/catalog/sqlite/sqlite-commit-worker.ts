/**
 * Test helper process: commits to one table of a SQLite catalog in a loop, as a second
 * writer would. Used by `sqlite-metadata-store.test.ts` for multi-process and crash tests.
 *
 *   node --import tsx sqlite-commit-worker.ts <catalog path> <table id> <count, 0 = forever> <label> [wait]
 *
 * With `wait`, it prints `ready` once the catalog is open and starts committing when a line
 * arrives on stdin (so several workers start together).
 * Commit i adds `<table path><label>/<i>.parquet` (i records, every partition value = label) and moves checkpoint
 * (worker, <label>, 0) from i-1 to i by compare-and-set. Prints `started` after the first commit.
 */
import { openSqliteMetadataStore } from './sqlite-metadata-store.ts';

const [path, tableIdText, countText, label, wait] = process.argv.slice(2);
if (path === undefined || tableIdText === undefined || countText === undefined || label === undefined) {
  throw new Error('usage: sqlite-commit-worker.ts <catalog path> <table id> <count> <label>');
}
const tableId = Number(tableIdText);
const count = Number(countText);
const store = await openSqliteMetadataStore(path);
const table = await store.getTableById(tableId);
if (table === undefined) throw new Error(`table id ${tableId} not found in ${path}`);
const partitionValues = Object.fromEntries(table.partitionColumns.map((c) => [c, label]));
if (wait === 'wait') {
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
}
let previous: string | null = null;
for (let i = 1; count === 0 || i <= count; i++) {
  await store.commit({
    tables: [{ tableId, add: [{ path: `${table.path}${label}/${i}.parquet`, format: 'parquet', recordCount: i, sizeBytes: 100, partitionValues }] }],
    checkpoints: [{ consumer: 'worker', stream: label, shard: '0', position: String(i), expected: previous }],
  });
  previous = String(i);
  if (i === 1) process.stdout.write('started\n');
  // a breath between commits, as a real writer has, so concurrent workers interleave
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await store.close();
process.stdout.write('done\n');
