import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { deepMerge } from './deep-merge.ts';
import { renderDeep, renderTemplate } from './naming.ts';
import { projectSchema } from './project-schema.ts';
import type { ProjectDefinition } from './project-schema.ts';

/** File names looked for, in order, when no project file is given. */
export const PROJECT_FILE_NAMES = ['lakestack.config.ts', 'lakestack.config.mts', 'lakestack.config.js', 'lakestack.config.mjs'];

type Resolved<T extends { name?: string | undefined }> = Omit<T, 'name'> & { name: string; tags: Record<string, string> };

/** A project with its environment applied, placeholders rendered, paths absolute; frozen. */
export interface ResolvedProject extends Omit<ProjectDefinition, 'databases' | 'workgroups' | 'pipelines' | 'environments' | 'naming'> {
  /** The environment this resolution is for (`dev1`, `prod1`, …). */
  environment: string;
  /** Every environment the project declares. */
  environmentNames: string[];
  /** The naming template rendered for this environment: the default resource name. */
  resourceName: string;
  /** The naming template as written. */
  namingTemplate: string;
  /** Folder of the project file: relative paths resolve against it. */
  rootDir: string;
  /** The project file, when loaded from one. */
  file?: string;
  databases: Record<string, Resolved<ProjectDefinition['databases'][string]>>;
  workgroups: Record<string, Resolved<ProjectDefinition['workgroups'][string]>>;
  pipelines: Record<string, ProjectDefinition['pipelines'][string] & { tags: Record<string, string> }>;
}

export interface ResolveOptions {
  environment?: string;
  /** Folder relative paths resolve against (the project file's folder). */
  rootDir: string;
  file?: string;
  /** Overrides the project's `stateDir` (and so every default path under `{state_dir}`). */
  stateDir?: string;
}

/** Walks up from `startDir` to the nearest project file. Errors: `ValidationError` CONFIG_NOT_FOUND. */
export function findProjectFile(startDir: string): string {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of PROJECT_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new ValidationError(
    'CONFIG_NOT_FOUND',
    `no ${PROJECT_FILE_NAMES[0]} in ${resolve(startDir)} or its parents; run "lakestack init" to create one or pass --project FILE`,
  );
}

/** Imports a project file (TypeScript through tsx) and resolves it for an environment. */
export async function loadProject(file: string, options: Omit<ResolveOptions, 'rootDir' | 'file'> = {}): Promise<ResolvedProject> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new ValidationError('CONFIG_NOT_FOUND', `project file ${path} does not exist`, { fields: { path } });
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ValidationError('CONFIG_LOAD_FAILED', `could not load project file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const raw = mod.default ?? mod.project;
  if (raw === undefined) {
    throw new ValidationError('CONFIG_NO_EXPORT', `${path} must \`export default defineProject({...})\``);
  }
  return resolveProject(raw, { ...options, rootDir: dirname(path), file: path });
}

function formatIssues(issues: z.core.$ZodIssue[], prefix: string): string {
  return issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `  - ${path || '(project)'}: ${issue.message}`;
    })
    .join('\n');
}

function validate(value: unknown, where: string, label: string): ProjectDefinition {
  const parsed = projectSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ValidationError('CONFIG_INVALID', `${where}: invalid project${label}:\n${formatIssues(parsed.error.issues, '')}`, {
      fields: { path: first ? first.path.map(String).join('.') : '', issues: parsed.error.issues.length },
    });
  }
  return parsed.data;
}

/**
 * Validates a project value, applies the environment overlay, renders placeholders, fills
 * default names and tags, and makes paths absolute. The result is deeply frozen.
 */
export function resolveProject(raw: unknown, options: ResolveOptions): ResolvedProject {
  const where = options.file ?? 'project';
  const base = validate(raw, where, '');
  const environmentNames = Object.keys(base.environments);
  const environment = options.environment ?? base.defaultEnvironment ?? environmentNames[0] ?? 'dev';
  if (environmentNames.length > 0 && !environmentNames.includes(environment)) {
    throw new ValidationError(
      'CONFIG_UNKNOWN_ENVIRONMENT',
      `${where}: environment "${environment}" is not declared; declared: ${environmentNames.join(', ')}`,
      { fields: { path: 'environments', environment } },
    );
  }
  const overlay = base.environments[environment] ?? {};
  for (const forbidden of ['environments', 'name', 'defaultEnvironment']) {
    if (forbidden in overlay) {
      throw new ValidationError('CONFIG_INVALID', `${where}: environments.${environment}.${forbidden} cannot be overridden per environment`, {
        fields: { path: `environments.${environment}.${forbidden}` },
      });
    }
  }
  const merged = validate(deepMerge(raw, overlay), where, ` after applying environments.${environment}`);

  const vars: Record<string, string> = { ...merged.variables, project: merged.name, environment };
  const resourceName = renderTemplate(merged.naming, vars, 'naming');
  vars.naming = resourceName;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(options.rootDir, p));
  const stateDir = options.stateDir ? resolve(options.stateDir) : abs(renderTemplate(merged.stateDir, vars, 'stateDir'));
  vars.state_dir = stateDir;
  const { environments: _envs, naming, ...rest } = merged;
  const rendered = renderDeep(rest, vars, '') as Omit<ProjectDefinition, 'environments' | 'naming'>;
  const tags = { Environment: environment, ...rendered.tags };

  const storage = rendered.storage.kind === 'local' ? { ...rendered.storage, root: abs(rendered.storage.root) } : rendered.storage;
  const catalog = { ...rendered.catalog, path: rendered.catalog.path === ':memory:' ? ':memory:' : abs(rendered.catalog.path) };
  const streamTransport =
    rendered.streamTransport.kind === 'embedded' ? { ...rendered.streamTransport, root: abs(rendered.streamTransport.root) } : rendered.streamTransport;

  const databases = Object.fromEntries(
    Object.entries(rendered.databases).map(([id, db]) => [id, { ...db, name: db.name ?? resourceName, tags: { ...tags, ...db.tags } }]),
  );
  const workgroups = Object.fromEntries(
    Object.entries(rendered.workgroups).map(([id, wg]) => [id, { ...wg, name: wg.name ?? resourceName, tags: { ...tags, ...wg.tags } }]),
  );
  const pipelines = Object.fromEntries(
    Object.entries(rendered.pipelines).map(([id, p]) => {
      if (!(p.database in databases)) {
        throw new ValidationError('CONFIG_INVALID', `${where}: pipelines.${id}.database: "${p.database}" is not a key of databases (${Object.keys(databases).join(', ') || 'none declared'})`, {
          fields: { path: `pipelines.${id}.database` },
        });
      }
      if (!(p.source.stream in rendered.streams)) {
        throw new ValidationError('CONFIG_INVALID', `${where}: pipelines.${id}.source.stream: "${p.source.stream}" is not a key of streams (${Object.keys(rendered.streams).join(', ') || 'none declared'})`, {
          fields: { path: `pipelines.${id}.source.stream` },
        });
      }
      const schemas = Object.fromEntries(Object.entries(p.schemas).map(([type, file]) => [type, abs(file)]));
      return [id, { ...p, schemas, tags: { ...tags, ...p.tags } }];
    }),
  );

  const project: ResolvedProject = {
    ...rendered,
    stateDir,
    tags,
    storage,
    catalog,
    streamTransport,
    databases,
    workgroups,
    pipelines,
    environment,
    environmentNames,
    resourceName,
    namingTemplate: naming,
    rootDir: options.rootDir,
    ...(options.file ? { file: options.file } : {}),
  };
  return deepFreeze(project);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
