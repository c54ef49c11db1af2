import { defineProject } from 'lakestack';

/**
 * The demand pipeline: a DynamoDB table's change stream, delivered through a Kinesis-shaped
 * stream, lands as typed Avro partitions by type and date, cataloged per type and queried in a
 * SQL workgroup. Four environments; every resource carries the same tags.
 */
export default defineProject({
  name: 'dmd-pipeline',
  description: 'DynamoDB change stream -> Avro partitions by type and date -> catalog -> SQL workgroup',
  variables: { product_code: 'prd3292', inventory_code: 'dmnd_pipeline' },
  naming: '{product_code}_{environment}_{inventory_code}',
  tags: {
    ProductCode: '{product_code}',
    InventoryCode: '{inventory_code}',
    iacRepo: 'https://git.example.com/data/dmd-pipeline',
  },
  defaultEnvironment: 'dev1',
  environments: {
    dev1: {},
    qa1: {},
    preprod1: { pipelines: { delivery: { source: { parallelizationFactor: 4 } } } },
    prod1: { pipelines: { delivery: { source: { batchSize: 5000, parallelizationFactor: 4 } } }, vacuumGraceHours: 72 },
  },
  streams: {
    'demand-changes': { shards: 2, description: 'Kinesis stream fed by the demand table (Kinesis Data Streams for DynamoDB)' },
  },
  databases: {
    dmd: { description: 'one table per record type, columns from the Avro schemas' },
  },
  workgroups: {
    sql: { resultPrefix: 'data-pipeline/athena/results', publishMetrics: true },
  },
  pipelines: {
    delivery: {
      kind: 'dynamodb-cdc',
      description: 'delivery worker: filter types, unmarshall images, group by type and date, write Avro',
      source: { stream: 'demand-changes', startingPosition: 'LATEST', batchSize: 1000, parallelizationFactor: 2 },
      typeField: 'type',
      schemas: {
        demand: 'schemas/demand.avsc',
        sale: 'schemas/sale.avsc',
        event: 'schemas/event.avsc',
        notification: 'schemas/notification.avsc',
      },
      partitionDateField: 'created_at',
      database: 'dmd',
      prefix: 'data-pipeline',
      codec: 'deflate',
      deadLetterPrefix: 'data-pipeline/dead-letter',
    },
  },
});
