import type { RequestContext } from './request-context.js';
import { PerRequest } from './request-context.js';

describe('PerRequest', () => {
  it('makes one value per request, on first use, and another for another request', () => {
    const made: string[] = [];
    const perRequest = new PerRequest((ctx) => {
      made.push(ctx.requestId);
      return { for: ctx.requestId };
    });
    const a = { requestId: 'a' } as RequestContext;
    const b = { requestId: 'b' } as RequestContext;
    expect(made).toEqual([]);
    const first = perRequest.for(a);
    expect(perRequest.for(a)).toBe(first);
    expect(perRequest.for(b)).toEqual({ for: 'b' });
    expect(made).toEqual(['a', 'b']);
  });
});
