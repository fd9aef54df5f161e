/**
 * Runs tasks one after another per key and concurrently across keys: one person's messages are handled in
 * the order they came, while thousands of people are served at once. Keys vanish when their queue drains.
 *
 * It also answers "did a task of this key run since then?" (see `mark` and `ranSince`), so that what was read before
 * a task of the key changed it is known to be stale.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** When each key's latest task ended, on a counter of task ends; oldest first, at most `rememberedKeys` of them. */
  private readonly lastEnded = new Map<string, number>();
  private ends = 0;
  /** The latest end forgotten to keep `lastEnded` small: a key not remembered may have run up to it. */
  private forgottenUpTo = 0;

  constructor(private readonly rememberedKeys = 10_000) {}

  /** Whether a task of this key is running or waiting. */
  private isBusy(key: string): boolean {
    return this.tails.has(key);
  }

  /** A point in time for `ranSince`. */
  mark(): number {
    return this.ends;
  }

  /** Whether a task of the key is running or waiting, or ended after the mark (or might have, if forgotten). */
  ranSince(key: string, mark: number): boolean {
    if (this.isBusy(key)) return true;
    return (this.lastEnded.get(key) ?? this.forgottenUpTo) > mark;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // Settled before the caller hears of the result: awaiting a task means its end is known.
    const result = previous.then(task, task).finally(() => this.ended(key, tail));
    const tail: Promise<unknown> = result.catch(() => undefined);
    this.tails.set(key, tail);
    return result;
  }

  private ended(key: string, tail: Promise<unknown>): void {
    if (this.tails.get(key) === tail) this.tails.delete(key);
    this.ends += 1;
    // Deleted first so that the map stays in the order of ends, and its first entry is the oldest.
    this.lastEnded.delete(key);
    this.lastEnded.set(key, this.ends);
    if (this.lastEnded.size <= this.rememberedKeys) return;
    const [oldestKey, oldestEnd] = this.lastEnded.entries().next().value as [string, number];
    this.lastEnded.delete(oldestKey);
    this.forgottenUpTo = oldestEnd;
  }
}
