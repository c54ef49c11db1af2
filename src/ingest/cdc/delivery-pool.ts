import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TerminalError } from '../../errors.ts';
import type { TransformInput, TransformOutput } from './batch-transform.ts';

/** What a thread needs to rebuild the transform settings (schemas travel as JSON). */
export interface ThreadSettings {
  typeField: string;
  partitionDateField?: string;
  codec: 'null' | 'deflate';
  schemas: Record<string, { json: unknown; file: string }>;
}

export interface ThreadRequest {
  id: number;
  input: TransformInput;
}

export type ThreadResponse =
  | { id: number; output: TransformOutput }
  | { id: number; error: { name: string; message: string; code: string; stack: string } };

interface Slot {
  worker: Worker;
  busy: number;
}

/** Threads to use when a pipeline asks for `auto`: one per core, none on a single core. */
export function autoThreadCount(): number {
  const cores = availableParallelism();
  return cores > 1 ? cores : 0;
}

/**
 * Worker threads for the CPU half of delivery batches (decode, conform, encode), so batches of
 * different shards and lanes use every core while the consumer's thread does the I/O and the
 * commits. Each request goes to the least busy thread; a thread that dies fails its requests.
 */
export class DeliveryThreadPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (o: TransformOutput) => void; reject: (e: unknown) => void; slot: Slot }>();
  private nextId = 1;

  constructor(size: number, settings: ThreadSettings) {
    if (!(size >= 1)) throw new TerminalError('DELIVERY_POOL_SIZE', `a delivery pool needs at least one thread, got ${size}`);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./delivery-thread-boot.mjs', import.meta.url), { workerData: settings, execArgv: [] });
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (response: ThreadResponse) => this.settle(response));
      worker.on('error', (err) => this.failSlot(slot, err));
      worker.on('exit', (code) => {
        if (code !== 0) this.failSlot(slot, new TerminalError('DELIVERY_THREAD_EXITED', `a delivery thread exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Transforms a batch on the least busy thread. */
  transform(input: TransformInput): Promise<TransformOutput> {
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, input } satisfies ThreadRequest);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private settle(response: ThreadResponse): void {
    const entry = this.pending.get(response.id);
    if (!entry) return;
    this.pending.delete(response.id);
    entry.slot.busy--;
    if ('output' in response) entry.resolve(response.output);
    else {
      const err = new TerminalError(response.error.code, response.error.message);
      err.stack = response.error.stack;
      entry.reject(err);
    }
  }

  private failSlot(slot: Slot, err: unknown): void {
    for (const [id, entry] of this.pending) {
      if (entry.slot !== slot) continue;
      this.pending.delete(id);
      entry.reject(err);
    }
  }
}
