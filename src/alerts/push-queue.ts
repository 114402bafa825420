/**
 * An async iterator fed by push(): what a GraphQL subscription resolver returns. It buffers up to
 * `limit` items for a slow reader and ends the stream past that (the client re-subscribes) rather
 * than dropping items silently or growing without bound.
 */
export class PushQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private ended = false;

  constructor(
    private readonly onEnd: () => void,
    private readonly limit = 100,
  ) {}

  get done(): boolean {
    return this.ended;
  }

  push(value: T): void {
    if (this.ended) return;
    const reader = this.waiting.shift();
    if (reader) return reader({ value, done: false });
    if (this.buffer.length >= this.limit) return this.end();
    this.buffer.push(value);
  }

  /** Ends the stream once the buffered items are read. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    for (const reader of this.waiting.splice(0)) reader({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
