import { ValidationError } from '../errors.ts';
import type { ColumnSpec, ColumnType } from './column-types.ts';
import type { CreateTableSpec, NewDataFile, TableFormat } from './metadata-store.ts';

/**
 * Input checks every `MetadataStore` adapter runs before writing, so all backends reject the
 * same bad input with the same `ValidationError` codes.
 */

const FORMATS: ReadonlySet<TableFormat> = new Set<TableFormat>(['parquet', 'avro']);

/** Errors: `ValidationError` code `NAME_INVALID` for an empty name. */
export function validateName(name: string, what: string): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ValidationError('NAME_INVALID', `${what} ${JSON.stringify(name)} is empty; give a non-empty name`, { fields: { path: what, value: name } });
  }
}

/**
 * Column names must be non-empty and unique at each level; decimals need 1 <= precision <= 38
 * and 0 <= scale <= precision. Errors: `ValidationError` code `COLUMN_INVALID`.
 */
export function validateColumns(columns: readonly ColumnSpec[], owner: string): void {
  checkFields(columns, owner, '');
}

function checkFields(fields: readonly ColumnSpec[], owner: string, prefix: string): void {
  const seen = new Set<string>();
  for (const field of fields) {
    const path = `${prefix}${field.name}`;
    if (typeof field.name !== 'string' || field.name === '') throw columnError(owner, path, 'has an empty name; name every column');
    if (seen.has(field.name)) throw columnError(owner, path, 'is declared twice; column names must be unique');
    seen.add(field.name);
    checkType(field.type, owner, path);
  }
}

function checkType(type: ColumnType, owner: string, path: string): void {
  switch (type.kind) {
    case 'decimal':
      if (!Number.isInteger(type.precision) || type.precision < 1 || type.precision > 38 || !Number.isInteger(type.scale) || type.scale < 0 || type.scale > type.precision) {
        throw columnError(owner, path, `has decimal(${type.precision},${type.scale}); precision must be 1..38 and scale 0..precision`);
      }
      return;
    case 'struct':
      if (type.fields.length === 0) throw columnError(owner, path, 'is a struct without fields; declare at least one field');
      checkFields(type.fields, owner, `${path}.`);
      return;
    case 'list':
      checkType(type.element, owner, `${path}.element`);
      return;
    case 'map':
      checkType(type.key, owner, `${path}.key`);
      checkType(type.value, owner, `${path}.value`);
      return;
    default:
      return;
  }
}

function columnError(owner: string, path: string, problem: string): ValidationError {
  return new ValidationError('COLUMN_INVALID', `column "${path}" of ${owner} ${problem}`, { fields: { path: `columns.${path}`, owner } });
}

/**
 * Errors: `ValidationError` codes `NAME_INVALID`, `COLUMN_INVALID`, `TABLE_FORMAT_INVALID`,
 * `TABLE_PATH_INVALID` (must end in `/`), `PARTITION_COLUMNS_INVALID` (duplicates).
 */
export function validateCreateTable(spec: CreateTableSpec): void {
  validateName(spec.database, 'database name');
  validateName(spec.name, 'table name');
  const label = `table "${spec.database}"."${spec.name}"`;
  if (!FORMATS.has(spec.format)) {
    throw new ValidationError('TABLE_FORMAT_INVALID', `${label} has format ${JSON.stringify(spec.format)}; use "parquet" or "avro"`, { fields: { path: 'format' } });
  }
  if (typeof spec.path !== 'string' || spec.path === '' || !spec.path.endsWith('/')) {
    throw new ValidationError('TABLE_PATH_INVALID', `${label} has path ${JSON.stringify(spec.path)}; give the object-store key prefix ending in "/"`, {
      fields: { path: 'path', value: spec.path },
    });
  }
  validateColumns(spec.columns, label);
  if (new Set(spec.partitionColumns).size !== spec.partitionColumns.length || spec.partitionColumns.some((c) => c === '')) {
    throw new ValidationError('PARTITION_COLUMNS_INVALID', `${label} has partition columns ${JSON.stringify(spec.partitionColumns)}; names must be non-empty and unique`, {
      fields: { path: 'partitionColumns' },
    });
  }
}

/**
 * A file must carry exactly one value per partition column of its table, and non-negative
 * counts. Errors: `ValidationError` codes `DATA_FILE_INVALID`, `PARTITION_VALUES_MISMATCH`.
 */
export function validateNewDataFile(file: NewDataFile, partitionColumns: readonly string[], tableLabel: string): void {
  if (typeof file.path !== 'string' || file.path === '') {
    throw new ValidationError('DATA_FILE_INVALID', `a data file for table ${tableLabel} has an empty path; give the object key of the written file`, { fields: { path: 'path' } });
  }
  for (const [field, value] of [['recordCount', file.recordCount], ['sizeBytes', file.sizeBytes]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ValidationError('DATA_FILE_INVALID', `data file "${file.path}" for table ${tableLabel} has ${field} ${value}; it must be a non-negative integer`, {
        fields: { path: field, file: file.path },
      });
    }
  }
  const keys = Object.keys(file.partitionValues ?? {});
  if (keys.length !== partitionColumns.length || !partitionColumns.every((c) => typeof file.partitionValues[c] === 'string')) {
    throw new ValidationError(
      'PARTITION_VALUES_MISMATCH',
      `data file "${file.path}" for table ${tableLabel} has partition values for [${keys.join(', ')}] but the table is partitioned by [${partitionColumns.join(', ')}]; give one string value per partition column`,
      { fields: { path: 'partitionValues', file: file.path, expected: [...partitionColumns], actual: keys } },
    );
  }
}
