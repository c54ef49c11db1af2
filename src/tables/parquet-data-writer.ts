import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { quoteIdent } from '../catalog/column-types.ts';
import type { ColumnStats, NewDataFile, TableInfo } from '../catalog/metadata-store.ts';
import { ValidationError } from '../errors.ts';
import type { QueryEngine, QuerySession } from '../query/query-engine.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { dataFileKey } from './data-file-key.ts';

export interface ParquetDataWriterDeps {
  engine: QueryEngine;
  store: ObjectStore;
  /** Local folder for files before they are put into the store (inside DuckDB's allowed directories). */
  scratchDir: string;
}

export interface WriteParquetOptions {
  /** Prefix of the new files' names (a run or batch id); a random suffix keeps them unique. */
  namePrefix?: string;
  /** Run in this session (so the SELECT can use its temporary tables); default a new one. */
  session?: QuerySession;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Writes the rows of a SELECT as new, immutable Parquet data files (zstd) of `table`: one file
 * per Hive partition, placed at `{table.path}{col=value/…}{prefix}-{uuid}.parquet` in the store,
 * with record counts and per-column null counts and min/max. Nothing is committed: the caller
 * publishes the returned files with `catalog.commit`. Files written before a crash that are never
 * committed are orphans that `vacuum` removes.
 */
export async function writeParquetDataFiles(deps: ParquetDataWriterDeps, table: TableInfo, selectSql: string, options: WriteParquetOptions = {}): Promise<NewDataFile[]> {
  if (table.format !== 'parquet') {
    throw new ValidationError('TABLE_NOT_PARQUET', `table ${table.database}.${table.name} stores ${table.format} files; only Parquet tables take rows from SQL`);
  }
  const id = randomUUID();
  const dir = join(deps.scratchDir, `write-${id}`);
  await mkdir(dir, { recursive: true });
  const session = options.session ?? (await deps.engine.openSession());
  try {
    const partitioned = table.partitionColumns.length > 0;
    const target = partitioned ? dir : join(dir, 'part.parquet');
    const partitionBy = partitioned ? `, PARTITION_BY (${table.partitionColumns.map(quoteIdent).join(', ')}), FILENAME_PATTERN 'part_{i}'` : '';
    await session.run(`COPY (${selectSql}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd${partitionBy})`);
    const written = (await readdir(dir, { recursive: true })).map(String).filter((f) => f.endsWith('.parquet')).sort();
    const files: NewDataFile[] = [];
    for (const [i, file] of written.entries()) {
      const path = join(dir, file);
      const partitionValues = partitionValuesOf(relative(dir, path), table.partitionColumns);
      const { recordCount, columnStats } = await statsOf(session, path, table);
      if (recordCount === 0) continue;
      const key = dataFileKey(table.path, table.partitionColumns, partitionValues, `${options.namePrefix ?? 'data'}-${id}-${i}.parquet`);
      const info = await deps.store.put(key, await readFile(path), { contentType: 'application/vnd.apache.parquet' });
      files.push({ path: key, format: 'parquet', recordCount, sizeBytes: info.size, partitionValues, columnStats });
    }
    return files;
  } finally {
    if (!options.session) session.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** `col=value` path segments (DuckDB writes them URL-escaped) in the table's partition order. */
function partitionValuesOf(relativePath: string, columns: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const segment of relativePath.split(sep).slice(0, -1)) {
    const at = segment.indexOf('=');
    if (at > 0) values[decodeURIComponent(segment.slice(0, at))] = decodeURIComponent(segment.slice(at + 1));
  }
  for (const column of columns) {
    if (values[column] === undefined) {
      throw new ValidationError('TABLE_PARTITION_VALUE_MISSING', `written file ${relativePath} has no value for partition column "${column}"`);
    }
  }
  return values;
}

/** Record count and per top-level column null count and min/max, from the Parquet footer. */
async function statsOf(session: QuerySession, path: string, table: TableInfo): Promise<{ recordCount: number; columnStats: ColumnStats[] }> {
  const rows = await session.all(
    `SELECT path_in_schema AS col, sum(num_values)::BIGINT AS n, sum(stats_null_count)::BIGINT AS nulls, min(stats_min_value) AS lo, max(stats_max_value) AS hi
     FROM parquet_metadata(${sqlString(path)}) GROUP BY ALL`,
  );
  const count = await session.all(`SELECT sum(row_group_num_rows)::BIGINT AS n FROM (SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata(${sqlString(path)}))`);
  const names = new Set(table.columns.map((c) => c.name));
  const columnStats: ColumnStats[] = rows
    .filter((r) => names.has(String(r.col)))
    .map((r) => ({
      column: String(r.col),
      valueCount: Number(r.n),
      ...(r.nulls === null ? {} : { nullCount: Number(r.nulls) }),
      ...(r.lo === null ? {} : { minValue: String(r.lo) }),
      ...(r.hi === null ? {} : { maxValue: String(r.hi) }),
    }));
  return { recordCount: Number(count[0]?.n ?? 0), columnStats };
}
