import type { ProjectInput } from './project-schema.ts';

/**
 * Declares a lakestack project. Identity at run time; its value is the type checking of the
 * project file in the editor. Validation happens when the CLI or runtime loads the file.
 */
export function defineProject<const T extends ProjectInput>(project: T): T {
  return project;
}
