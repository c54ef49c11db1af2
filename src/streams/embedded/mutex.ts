/** An in-process mutex: run() calls execute one at a time, in call order. */
export class Mutex {
  private last: Promise<void> = Promise.resolve();

  /** Runs `fn` after every earlier run() has settled; resolves or rejects with `fn`'s outcome. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.last.then(fn);
    this.last = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
