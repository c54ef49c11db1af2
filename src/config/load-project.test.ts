import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../errors.ts';
import { resolveProject } from './load-project.ts';

const base = {
  name: 'dmd-pipeline',
  variables: { product_code: 'prd3292', inventory_code: 'dmnd_pipeline' },
  naming: '{product_code}_{environment}_{inventory_code}',
  tags: { ProductCode: '{product_code}', InventoryCode: '{inventory_code}', iacRepo: 'git@example.com:dmd.git' },
  defaultEnvironment: 'dev1',
  environments: { dev1: {}, prod1: { pipelines: { delivery: { source: { batchSize: 5000 } } } } },
  streams: { changes: { shards: 2 } },
  databases: { dmd: {} },
  workgroups: { sql: { resultPrefix: 'data-pipeline/athena/results' } },
  pipelines: {
    delivery: {
      kind: 'dynamodb-cdc',
      source: { stream: 'changes' },
      schemas: { sale: 'schemas/sale.avsc' },
      database: 'dmd',
      prefix: 'data-pipeline',
      deadLetterPrefix: 'data-pipeline/dead-letter',
    },
  },
};

function expectInvalid(value: unknown, pathPart: string, env?: string): ValidationError {
  try {
    resolveProject(value, { rootDir: '/p', file: '/p/lakestack.config.ts', ...(env ? { environment: env } : {}) });
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    assert.match(err.message, new RegExp(pathPart.replace(/[.[\]]/g, '\\$&')));
    return err;
  }
  assert.fail('expected a validation error');
}

describe('resolveProject', () => {
  it('renders the naming template and tags per environment', () => {
    const dev = resolveProject(base, { rootDir: '/p' });
    assert.equal(dev.environment, 'dev1');
    assert.equal(dev.resourceName, 'prd3292_dev1_dmnd_pipeline');
    assert.equal(dev.databases.dmd?.name, 'prd3292_dev1_dmnd_pipeline');
    assert.equal(dev.workgroups.sql?.name, 'prd3292_dev1_dmnd_pipeline');
    assert.deepEqual(dev.tags, { Environment: 'dev1', ProductCode: 'prd3292', InventoryCode: 'dmnd_pipeline', iacRepo: 'git@example.com:dmd.git' });
    assert.equal(dev.pipelines.delivery?.source.batchSize, 1000);
    assert.equal(dev.pipelines.delivery?.source.parallelizationFactor, 2);
    assert.equal(dev.pipelines.delivery?.schemas.sale, '/p/schemas/sale.avsc');
    assert.equal(dev.storage.kind === 'local' && dev.storage.root, '/p/.lakestack/dev1/objects');
    const moved = resolveProject(base, { rootDir: '/p', stateDir: '/tmp/demo' });
    assert.equal(moved.catalog.path, '/tmp/demo/catalog.db');
    assert.ok(Object.isFrozen(dev.pipelines.delivery));
  });

  it('applies the environment overlay', () => {
    const prod = resolveProject(base, { rootDir: '/p', environment: 'prod1' });
    assert.equal(prod.resourceName, 'prd3292_prod1_dmnd_pipeline');
    assert.equal(prod.pipelines.delivery?.source.batchSize, 5000);
    assert.equal(prod.pipelines.delivery?.source.stream, 'changes');
  });

  it('names the bad field and what was expected', () => {
    const bad = structuredClone(base);
    (bad.pipelines.delivery.source as Record<string, unknown>).batchSize = 20000;
    const err = expectInvalid(bad, 'pipelines.delivery.source.batchSize');
    assert.match(err.message, /10000/);
    assert.equal(err.fields.path, 'pipelines.delivery.source.batchSize');
  });

  it('reports an overlay error with the environment', () => {
    const bad = structuredClone(base) as Omit<typeof base, 'environments'> & { environments: Record<string, unknown> };
    bad.environments.prod1 = { pipelines: { delivery: { source: { parallelizationFactor: 11 } } } };
    const err = expectInvalid(bad, 'pipelines.delivery.source.parallelizationFactor', 'prod1');
    assert.match(err.message, /after applying environments\.prod1/);
  });

  it('rejects unknown keys, unknown environments, unknown references and placeholders', () => {
    expectInvalid({ ...base, colour: 'blue' }, 'colour');
    expectInvalid(base, 'environment "qa9" is not declared', 'qa9');
    expectInvalid({ ...base, pipelines: { delivery: { ...base.pipelines.delivery, database: 'nope' } } }, 'pipelines.delivery.database');
    expectInvalid({ ...base, naming: '{product}_{environment}' }, 'unknown placeholder {product}');
  });
});
