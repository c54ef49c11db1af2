import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnType } from '../../catalog/column-types.ts';
import { duckDbTypeOf, quoteIdent } from '../../catalog/column-types.ts';
import type { DataFileInfo, TableInfo } from '../../catalog/metadata-store.ts';
import { ValidationError } from '../../errors.ts';
import { avroRecordToRow, openAvroContainer, parseAvroSchema } from '../../formats/avro/index.ts';
import type { AvroSchema } from '../../formats/avro/index.ts';
import type { Logger } from '../../observability/index.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { BoundFiles, FileBinder } from '../file-binder.ts';
import type { QueryEngine } from '../query-engine.ts';
import { sqlString } from '../sql-analysis.ts';

/** The table property holding the Avro schema its files are read with. */
export const AVRO_SCHEMA_PROPERTY = 'avro.schema';

/** JSON carries bytes as base64 text; read them as text, decode in the select list. */
function jsonReadType(type: ColumnType): string {
  switch (type.kind) {
    case 'blob':
      return 'VARCHAR';
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${jsonReadType(f.type)}`).join(', ')})`;
    case 'list':
      return `${jsonReadType(type.element)}[]`;
    case 'map':
      return `MAP(${jsonReadType(type.key)}, ${jsonReadType(type.value)})`;
    default:
      return duckDbTypeOf(type);
  }
}

/**
 * Makes Avro tables fast to query: DuckDB here has no Avro reader, so each immutable Avro data
 * file gets a columnar companion — the same rows as Parquet (zstd), partition values included —
 * built once, on first read or right after commit (`warm`), and cached under
 * `<cacheDir>/companions/t<tableId>/s<schemaVersion>/<dataFileId>.parquet`. Data files never
 * change, so a companion never goes stale; a schema change starts a new folder.
 */
export class AvroCompanionBinder implements FileBinder {
  private readonly schemas = new Map<string, AvroSchema>();
  private readonly building = new Map<string, Promise<string>>();

  constructor(
    private readonly deps: { store: ObjectStore; engine: QueryEngine; cacheDir: string; logger: Logger },
  ) {}

  async bind(table: TableInfo, files: DataFileInfo[]): Promise<BoundFiles> {
    const paths: string[] = [];
    // two at a time: decoding is CPU work on this thread, DuckDB's COPY runs beside it
    for (let i = 0; i < files.length; i += 2) {
      paths.push(...(await Promise.all(files.slice(i, i + 2).map((f) => this.companion(table, f)))));
    }
    return { paths, hivePartitioning: false };
  }

  /** Builds missing companions now (the runtime calls it after a commit). */
  async warm(table: TableInfo, files: DataFileInfo[]): Promise<void> {
    await this.bind(table, files);
  }

  private companionPath(table: TableInfo, file: DataFileInfo): string {
    return join(this.companionsDir, `t${table.tableId}`, `s${table.schemaVersion}`, `${file.dataFileId}.parquet`);
  }

  private get companionsDir(): string {
    return join(this.deps.cacheDir, 'companions');
  }

  /** Deletes the companions of data files that vacuum removed (every schema version). */
  async forget(files: { tableId: number; dataFileId: number }[]): Promise<void> {
    for (const f of files) {
      const dir = join(this.companionsDir, `t${f.tableId}`);
      const versions = await readdir(dir).catch(() => [] as string[]);
      for (const v of versions) await rm(join(dir, v, `${f.dataFileId}.parquet`), { force: true });
    }
  }

  private companion(table: TableInfo, file: DataFileInfo): Promise<string> {
    const path = this.companionPath(table, file);
    if (existsSync(path)) return Promise.resolve(path);
    let pending = this.building.get(path);
    if (!pending) {
      pending = this.build(table, file, path).finally(() => this.building.delete(path));
      this.building.set(path, pending);
    }
    return pending;
  }

  private readerSchema(table: TableInfo): AvroSchema {
    const text = table.properties[AVRO_SCHEMA_PROPERTY];
    if (!text) {
      throw new ValidationError('AVRO_TABLE_WITHOUT_SCHEMA', `table ${table.database}.${table.name} is an Avro table without an "${AVRO_SCHEMA_PROPERTY}" property; recreate it from its schema file`);
    }
    let schema = this.schemas.get(text);
    if (!schema) this.schemas.set(text, (schema = parseAvroSchema(text, { source: `${table.database}.${table.name}` })));
    return schema;
  }

  private async build(table: TableInfo, file: DataFileInfo, path: string): Promise<string> {
    const t0 = performance.now();
    const schema = this.readerSchema(table);
    const bytes = await this.deps.store.get(file.path);
    const reader = openAvroContainer(bytes, { readerSchema: schema, source: file.path });
    const partitionValues = file.partitionValues;
    const lines: string[] = [];
    for (const record of reader.records()) {
      lines.push(JSON.stringify({ ...avroRecordToRow(schema, record), ...partitionValues }));
    }
    const dir = join(path, '..');
    await mkdir(dir, { recursive: true });
    const jsonPath = `${path}.${process.pid}.jsonl`;
    const tmpPath = `${path}.${process.pid}.tmp`;
    await writeFile(jsonPath, lines.join('\n'));
    const dataColumns = table.columns.filter((c) => !table.partitionColumns.includes(c.name));
    const readColumns = [
      ...dataColumns.map((c) => `${sqlString(c.name)}: ${sqlString(jsonReadType(c.type))}`),
      ...table.partitionColumns.map((p) => `${sqlString(p)}: 'VARCHAR'`),
    ].join(', ');
    const select = [
      ...dataColumns.map((c) => (c.type.kind === 'blob' ? `from_base64(${quoteIdent(c.name)}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name))),
      ...table.partitionColumns.map(quoteIdent),
    ].join(', ');
    const session = await this.deps.engine.openSession();
    try {
      const source = lines.length === 0
        ? `(SELECT ${[...dataColumns.map((c) => `CAST(NULL AS ${jsonReadType(c.type)}) AS ${quoteIdent(c.name)}`), ...table.partitionColumns.map((p) => `CAST(NULL AS VARCHAR) AS ${quoteIdent(p)}`)].join(', ')} WHERE false)`
        : `read_json(${sqlString(jsonPath)}, format = 'newline_delimited', columns = {${readColumns}})`;
      await session.run(`COPY (SELECT ${select} FROM ${source}) TO ${sqlString(tmpPath)} (FORMAT parquet, COMPRESSION zstd)`);
      // rename last: readers never see a half-written companion
      await rename(tmpPath, path);
    } finally {
      session.close();
      await rm(jsonPath, { force: true });
      await rm(tmpPath, { force: true });
    }
    this.deps.logger.debug({ file: file.path, rows: lines.length, ms: Math.round(performance.now() - t0) }, 'built columnar companion');
    return path;
  }
}
