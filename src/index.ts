/**
 * lakestack's public API: what a project file and a program embedding the platform use.
 */
export { defineProject, loadProject, resolveProject } from './config/index.ts';
export type { ProjectInput, ResolvedProject } from './config/index.ts';
export { createLakestack } from './runtime/create-lakestack.ts';
export type { Lakestack } from './runtime/create-lakestack.ts';
export { ConflictError, LakestackError, NotFoundError, TerminalError, TransientError, ValidationError } from './errors.ts';
