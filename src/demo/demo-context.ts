import type { INestApplicationContext } from '@nestjs/common';
import { REQUEST_CONTEXT_FACTORY, type RequestContext, type RequestContextFactory } from '../access/request-context.js';

/** The context demo seeding acts in for one demo user: the one their own requests would get now. */
export async function demoContext(app: INestApplicationContext, user: { id: string; email: string }): Promise<RequestContext> {
  const ctx = await app.get<RequestContextFactory>(REQUEST_CONTEXT_FACTORY).forUser(user.id, 'demo');
  if (!ctx) throw new Error(`The demo user ${user.email} is disabled; enable it or reset the demo data`);
  return ctx;
}
