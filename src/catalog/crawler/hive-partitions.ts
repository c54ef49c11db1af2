import { ValidationError } from '../../errors.ts';
import type { ColumnSpec, ColumnType } from '../column-types.ts';

/** Hive's spelling of a null partition value. */
export const HIVE_NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/** Partition columns found in the keys under a prefix, and each file's values. */
export interface HivePartitions {
  /** Typed columns in path order; non-null unless some file has the Hive null value. */
  columns: ColumnSpec[];
  /** Per key: partition values as they appear in the path (URL-decoded). */
  values: Map<string, Record<string, string>>;
}

const INTEGER = /^-?\d{1,18}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Detects Hive partitions (`col=value/` folders) in `keys` below `prefix`. Every file must
 * have the same partition columns in the same order, else `ValidationError` code
 * `CRAWL_PARTITIONS_INCONSISTENT` naming two disagreeing keys (mixed layouts are two tables).
 * Folders that are not `col=value` are ignored. Types follow DuckDB's `hive_types_autocast`, so
 * the catalog agrees with what a query sees: `int64` when every value is an integer, `date` when
 * every value is `YYYY-MM-DD`, otherwise `varchar`.
 */
export function detectHivePartitions(prefix: string, keys: readonly string[]): HivePartitions {
  const values = new Map<string, Record<string, string>>();
  let names: string[] | undefined;
  let first = '';
  for (const key of keys) {
    const folders = key.slice(prefix.length).split('/').slice(0, -1);
    const pairs = folders.map((f) => /^([^=]+)=(.*)$/.exec(f)).filter((m): m is RegExpExecArray => m !== null);
    const these = pairs.map((m) => decodeURIComponent(m[1] ?? ''));
    if (names === undefined) {
      names = these;
      first = key;
    } else if (names.join('/') !== these.join('/')) {
      throw new ValidationError(
        'CRAWL_PARTITIONS_INCONSISTENT',
        `files under "${prefix}" disagree on Hive partitions: "${first}" has (${names.join(', ')}), "${key}" has (${these.join(', ')}); crawl each layout as its own table`,
        { fields: { prefix, keys: [first, key] } },
      );
    }
    values.set(key, Object.fromEntries(pairs.map((m) => [decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? '')])));
  }
  const columns = (names ?? []).map((name): ColumnSpec => {
    const seen = [...values.values()].map((v) => v[name] ?? HIVE_NULL_PARTITION);
    const present = seen.filter((v) => v !== HIVE_NULL_PARTITION);
    return { name, type: partitionType(present), nullable: present.length < seen.length };
  });
  return { columns, values };
}

function partitionType(values: readonly string[]): ColumnType {
  if (values.length > 0 && values.every((v) => INTEGER.test(v))) return { kind: 'int64' };
  if (values.length > 0 && values.every((v) => DATE.test(v))) return { kind: 'date' };
  return { kind: 'varchar' };
}
