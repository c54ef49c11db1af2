import { ValidationError } from '../errors.ts';

/** Characters Hive escapes in partition path segments (as `%XX`), plus `%` itself. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what Hive escapes
const HIVE_ESCAPE = /[\u0000-\u001f"#%'*/:=?\\\u007f{[\]^]/g;

/** Escapes a partition value the way Hive (and Athena, Spark) write it into paths. */
export function escapePartitionValue(value: string): string {
  return value.replace(HIVE_ESCAPE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Key of a new data file: `{tablePath}{col=value/…}{fileName}` in Hive style, partition columns
 * in the table's declared order. Errors: `ValidationError` when a partition value is missing.
 */
export function dataFileKey(tablePath: string, partitionColumns: string[], values: Record<string, string>, fileName: string): string {
  const segments = partitionColumns.map((column) => {
    const value = values[column];
    if (value === undefined || value === '') {
      throw new ValidationError('TABLE_PARTITION_VALUE_MISSING', `no value for partition column "${column}" of ${tablePath}; every file needs one`, {
        fields: { column, tablePath },
      });
    }
    return `${column}=${escapePartitionValue(value)}/`;
  });
  return `${tablePath}${segments.join('')}${fileName}`;
}
