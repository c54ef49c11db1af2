import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConflictError } from '../../errors.ts';
import type { GlobalOptions } from '../context.ts';
import { createOutput } from '../output.ts';
import { usageError } from '../usage-error.ts';

const SALE_SCHEMA = {
  type: 'record',
  name: 'Sale',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'type', type: 'string', doc: 'record type; the pipeline keeps the types it has schemas for' },
    { name: 'customer_id', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'total_amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'created_at', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'partition date source (UTC)' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

const SAMPLE_EVENT = {
  Records: [
    {
      eventID: '1',
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        ApproximateCreationDateTime: 1714557600,
        Keys: { id: { S: 's-1' } },
        NewImage: {
          id: { S: 's-1' },
          type: { S: 'sale' },
          customer_id: { S: 'c-9' },
          status: { S: 'NEW' },
          total_amount: { N: '42.50' },
          created_at: { N: '1714557600000' },
        },
        SequenceNumber: '100',
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    },
  ],
};

function configText(name: string): string {
  return `import { defineProject } from 'lakestack';

export default defineProject({
  name: '${name}',
  variables: { prefix: '${name.replaceAll('-', '_')}' },
  naming: '{prefix}_{environment}',
  tags: { Owner: 'data-team' },
  defaultEnvironment: 'dev',
  environments: { dev: {}, prod: { pipelines: { sales: { source: { batchSize: 5000 } } } } },
  streams: { changes: { shards: 1 } },
  databases: { main: {} },
  workgroups: { sql: { resultPrefix: 'query-results' } },
  pipelines: {
    sales: {
      kind: 'dynamodb-cdc',
      source: { stream: 'changes', startingPosition: 'TRIM_HORIZON', batchSize: 1000, parallelizationFactor: 1 },
      typeField: 'type',
      schemas: { sale: 'schemas/sale.avsc' },
      partitionDateField: 'created_at',
      database: 'main',
      prefix: 'lake',
      deadLetterPrefix: 'lake/dead-letter',
    },
  },
});
`;
}

/** `lakestack init [DIR]`: scaffolds a runnable project. */
export function registerInit(program: Command): void {
  program
    .command('init [dir]')
    .description('create a project: lakestack.config.ts, an Avro schema and a sample change event')
    .option('--name <name>', 'project name (default: the folder name)')
    .action(async (dirArg: string | undefined, _o, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions & { name?: string }>();
      const dir = resolve(dirArg ?? '.');
      const name = options.name ?? basename(dir).replace(/[^A-Za-z0-9_-]/g, '-');
      if (!/^[A-Za-z0-9_-]+$/.test(name)) throw usageError(`project name "${name}" may use letters, digits, "_" and "-" only`);
      const files: Record<string, string> = {
        'lakestack.config.ts': configText(name),
        'schemas/sale.avsc': `${JSON.stringify(SALE_SCHEMA, null, 2)}\n`,
        'events/sample.json': `${JSON.stringify(SAMPLE_EVENT, null, 2)}\n`,
        '.gitignore': '.lakestack/\n',
        // the project file is an ES module that imports 'lakestack'
        'package.json': `${JSON.stringify({ name, private: true, type: 'module', devDependencies: { lakestack: '^0.1.0' } }, null, 2)}\n`,
      };
      const existing = Object.keys(files).filter((f) => existsSync(join(dir, f)));
      if (existing.includes('lakestack.config.ts')) {
        throw new ConflictError('INIT_EXISTS', `${join(dir, 'lakestack.config.ts')} already exists; init never overwrites files`);
      }
      for (const [file, text] of Object.entries(files)) {
        if (existing.includes(file)) continue;
        await mkdir(join(dir, file, '..'), { recursive: true });
        await writeFile(join(dir, file), text);
      }
      const out = createOutput(options.json ?? false);
      out.result({ dir, name, files: Object.keys(files).filter((f) => !existing.includes(f)) }, () => {
        out.line(`created project "${name}" in ${dir}`);
        out.line('next:');
        out.line(`  cd ${dirArg ?? '.'}`);
        out.line('  npx lakestack stream put --stream changes --file events/sample.json');
        out.line('  npx lakestack dev --until-idle');
        out.line(`  npx lakestack query "select * from ${name.replaceAll('-', '_')}_dev.sale"`);
      });
    });
}
