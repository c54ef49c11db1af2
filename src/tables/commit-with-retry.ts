import type { CommitRequest, CommitResult, MetadataStore } from '../catalog/metadata-store.ts';
import { ConflictError, isTransient } from '../errors.ts';

/**
 * Commits, retrying transient failures (a busy catalog) with exponential backoff. Conflicts
 * are never retried blindly: a fenced checkpoint or an already-removed file means the caller's
 * view is stale and it must re-read before trying again.
 */
export async function commitWithRetry(catalog: MetadataStore, request: CommitRequest, attempts = 5): Promise<CommitResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await catalog.commit(request);
    } catch (err) {
      if (err instanceof ConflictError || !isTransient(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }
}
