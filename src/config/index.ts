export { defineProject } from './define-project.ts';
export { findProjectFile, loadProject, resolveProject, PROJECT_FILE_NAMES } from './load-project.ts';
export type { ResolvedProject } from './load-project.ts';
export { renderTemplate } from './naming.ts';
export type {
  CatalogConfig,
  DynamodbCdcPipelineDefinition,
  PipelineDefinition,
  ProjectDefinition,
  ProjectInput,
  StorageConfig,
  StreamTransportSettings,
  WorkgroupDefinition,
} from './project-schema.ts';
