import { PushQueue } from './push-queue.js';

describe('PushQueue', () => {
  it('hands items to a waiting reader, then buffers them in order', async () => {
    const queue = new PushQueue<number>(() => undefined);
    const first = queue.next();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
    expect(await queue.next()).toEqual({ value: 3, done: false });
  });

  it('ends once when returned, and wakes waiting readers', async () => {
    let ends = 0;
    const queue = new PushQueue<number>(() => (ends += 1));
    const pending = queue.next();
    await queue.return();
    await queue.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(ends).toBe(1);
    queue.push(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('ends the stream of a reader that falls too far behind', async () => {
    const queue = new PushQueue<number>(() => undefined, 2);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(queue.done).toBe(true);
    expect(await queue.next()).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });
});
