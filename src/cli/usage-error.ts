import { ValidationError } from '../errors.ts';

/** A usage error raised after parsing (a bad option value): the CLI exits with code 2. */
export function usageError(message: string): ValidationError {
  return new ValidationError('CLI_USAGE', message);
}
