import type { ColumnStats } from '../metadata-store.ts';
import type { SqliteCatalogDb } from './sqlite-catalog-db.ts';
import type { ColumnRow } from './sqlite-column-rows.ts';

/** Folds file column stats into `ducklake_table_column_stats` (widening only, like DuckLake). */
export interface TableColumnStatsMerger {
  add(column: ColumnRow, stats: ColumnStats): void;
  /** Writes every touched column's merged row. */
  flush(): void;
}

interface Merged {
  column: ColumnRow;
  containsNull: boolean | null;
  min: string | null;
  max: string | null;
}

interface TableColumnStatsRow {
  contains_null: number | null;
  min_value: string | null;
  max_value: string | null;
}

const INTEGER_TYPES = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);
const FLOAT_TYPES = new Set(['float32', 'float64']);

/**
 * Orders two stat values of a DuckLake type: integers as big integers, floats and decimals as
 * numbers, everything else (dates, timestamps, text) as strings — ISO forms sort correctly.
 */
export function compareStatValues(type: string, a: string, b: string): number {
  try {
    if (INTEGER_TYPES.has(type)) {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  } catch {
    // not an integer literal: fall through to the generic comparison
  }
  if (FLOAT_TYPES.has(type) || type.startsWith('decimal(')) {
    const x = Number(a);
    const y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function mergeTableColumnStats(cat: SqliteCatalogDb, tableId: number): TableColumnStatsMerger {
  const merged = new Map<number, Merged>();
  return {
    add(column, stats) {
      let entry = merged.get(column.columnId);
      if (entry === undefined) {
        const row = cat
          .stmt<TableColumnStatsRow>('SELECT contains_null, min_value, max_value FROM ducklake_table_column_stats WHERE table_id = ? AND column_id = ?')
          .get(tableId, column.columnId);
        entry = {
          column,
          containsNull: row === undefined || row.contains_null === null ? null : row.contains_null !== 0,
          min: row?.min_value ?? null,
          max: row?.max_value ?? null,
        };
        merged.set(column.columnId, entry);
      }
      if (stats.nullCount !== undefined) entry.containsNull = (entry.containsNull ?? false) || stats.nullCount > 0;
      if (stats.minValue !== undefined && (entry.min === null || compareStatValues(column.type, stats.minValue, entry.min) < 0)) entry.min = stats.minValue;
      if (stats.maxValue !== undefined && (entry.max === null || compareStatValues(column.type, stats.maxValue, entry.max) > 0)) entry.max = stats.maxValue;
    },
    flush() {
      const write = cat.stmt(
        `INSERT INTO ducklake_table_column_stats (table_id, column_id, contains_null, contains_nan, min_value, max_value, extra_stats) VALUES (?, ?, ?, NULL, ?, ?, NULL)
         ON CONFLICT (table_id, column_id) DO UPDATE SET contains_null = excluded.contains_null, min_value = excluded.min_value, max_value = excluded.max_value`,
      );
      for (const entry of merged.values()) {
        write.run(tableId, entry.column.columnId, entry.containsNull === null ? null : entry.containsNull ? 1 : 0, entry.min, entry.max);
      }
    },
  };
}
