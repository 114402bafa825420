import { SubmissionGate } from './submission-gate.js';

function deferred(): { promise: Promise<void>; resolve(): void; reject(error: Error): void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SubmissionGate', () => {
  it('runs at most `limit` tasks at once, and the others in order of arrival as slots free', async () => {
    const gate = new SubmissionGate(2);
    const tasks = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    const runs = tasks.map((task, i) => gate.run(async () => {
      started.push(i);
      await task.promise;
      return i;
    }));
    await settle();
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ active: 2, waiting: 3 });
    tasks[1].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    tasks[0].reject(new Error('failed'));
    await expect(runs[0]).rejects.toThrow('failed'); // a failed task frees its slot too
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const task of tasks) task.resolve();
    await expect(Promise.all(runs.slice(1))).resolves.toEqual([1, 2, 3, 4]);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses a limit below one', () => {
    expect(() => new SubmissionGate(0)).toThrow('at least 1');
  });
});
