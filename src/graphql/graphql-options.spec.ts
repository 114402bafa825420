import { buildSchema } from 'graphql';
import { makeServer, type ServerOptions } from 'graphql-ws';
import type { AppConfig } from '../config/app-config.js';
import type { Metrics } from '../observability/metrics.js';
import { graphqlOptions } from './graphql-options.js';

/** graphql-ws's server without a network: what it sends and whether it closes the connection. */
async function connection(options: ServerOptions) {
  const sent: { id?: string; type: string; payload?: unknown }[] = [];
  const closed: { code: number; reason: string }[] = [];
  let receive: (data: string) => Promise<void> = async () => undefined;
  makeServer(options).opened(
    {
      protocol: 'graphql-transport-ws',
      send: async (data) => void sent.push(JSON.parse(data) as (typeof sent)[number]),
      close: (code, reason) => void closed.push({ code: code ?? 1000, reason: reason ?? '' }),
      onMessage: (handler) => {
        receive = handler;
      },
    },
    {},
  );
  const message = (value: unknown) => receive(JSON.stringify(value)).catch((error: unknown) => void closed.push({ code: 4500, reason: String(error) }));
  await message({ type: 'connection_init', payload: { Authorization: 'Bearer test' } });
  return { sent, closed, message };
}

describe('subscriptions over graphql-ws', () => {
  const config = { nodeEnv: 'test', graphql: { maxDepth: 10, maxComplexity: 1000, maxAliases: 10, maxRootFields: 10 } } as AppConfig;
  const schema = buildSchema('type Query { ok: Boolean } type Subscription { ticks: Int }');
  const wsOptions = async () => {
    const built = graphqlOptions(config, {} as Metrics, async () => ({}));
    await built.transformSchema?.(schema); // the schema the hooks check against
    // No wait for connection_init: its timer would outlive the test.
    return { ...(built.subscriptions as { 'graphql-ws': ServerOptions })['graphql-ws'], connectionInitWaitTimeout: 0, schema, roots: { query: { ok: true } } };
  };

  it('answers a document that does not parse as GRAPHQL_PARSE_FAILED and keeps the connection (and its other subscriptions)', async () => {
    const { sent, closed, message } = await connection(await wsOptions());
    await message({ id: '1', type: 'subscribe', payload: { query: 'subscription { ticks ' } });
    expect(closed).toEqual([]);
    expect(sent.find((m) => m.id === '1')).toEqual({
      id: '1', type: 'error', payload: [expect.objectContaining({ message: expect.stringMatching(/^Syntax Error/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } })],
    });
    await message({ id: '2', type: 'subscribe', payload: { query: '{ ok }' } });
    expect(sent.filter((m) => m.id === '2').map((m) => m.type)).toEqual(['next', 'complete']);
  });
});
