import type { Command } from 'commander';
import type { GlobalOptions } from '../context.ts';
import { resolveProjectFromOptions } from '../context.ts';
import { createOutput } from '../output.ts';

/** `lakestack describe`: the resolved project: environment, names, tags, every resource. */
export function registerDescribe(program: Command): void {
  program
    .command('describe')
    .description('show the project as resolved for an environment: resource names, tags, adapters')
    .action(async (_opts, cmd: Command) => {
      const options = cmd.optsWithGlobals<GlobalOptions>();
      const project = await resolveProjectFromOptions(options);
      const out = createOutput(options.json ?? false);
      const resources: { kind: string; id: string; name: string; detail: string; tags: Record<string, string> }[] = [
        ...Object.entries(project.streams).map(([id, s]) => ({ kind: 'stream', id, name: id, detail: `${s.shards} shard(s)`, tags: project.tags })),
        ...Object.entries(project.databases).map(([id, d]) => ({ kind: 'database', id, name: d.name, detail: d.description ?? '', tags: d.tags })),
        ...Object.entries(project.workgroups).map(([id, w]) => ({ kind: 'workgroup', id, name: w.name, detail: `results at ${w.resultPrefix}/`, tags: w.tags })),
        ...Object.entries(project.pipelines).map(([id, p]) => ({
          kind: 'pipeline',
          id,
          name: id,
          detail: `${p.kind}: ${p.source.stream} (${p.source.startingPosition}, batch ${p.source.batchSize}, parallelization ${p.source.parallelizationFactor}) -> ${p.prefix}/avro/{${Object.keys(p.schemas).join(',')}}`,
          tags: p.tags,
        })),
      ];
      const value = {
        project: project.name,
        environment: project.environment,
        environments: project.environmentNames,
        naming: { template: project.namingTemplate, resourceName: project.resourceName },
        tags: project.tags,
        adapters: { storage: project.storage, catalog: project.catalog, streams: project.streamTransport },
        resources,
      };
      out.result(value, () => {
        out.line(`project      ${project.name}${project.file ? `  (${project.file})` : ''}`);
        out.line(`environment  ${project.environment}  of ${project.environmentNames.join(', ') || '(none declared)'}`);
        out.line(`naming       ${project.namingTemplate}  ->  ${project.resourceName}`);
        out.line(`tags         ${Object.entries(project.tags).map(([k, v]) => `${k}=${v}`).join('  ')}`);
        const storage = project.storage.kind === 'local' ? `local ${project.storage.root}` : project.storage.kind === 's3' ? `s3://${project.storage.bucket}/${project.storage.prefix ?? ''}` : 'memory';
        out.line(`storage      ${storage}`);
        out.line(`catalog      ${project.catalog.kind} ${project.catalog.path}`);
        out.line(`streams      ${project.streamTransport.kind}`);
        out.line('');
        for (const r of resources) {
          out.line(`${r.kind.padEnd(10)} ${r.name}${r.detail ? `  — ${r.detail}` : ''}`);
          out.line(`${''.padEnd(10)} tags: ${Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(', ')}`);
        }
      });
    });
}
