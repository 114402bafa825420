import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The files the offline GraphiQL page needs, served from node_modules (no CDN). */
const ASSETS: Record<string, { module: string; file: string; type: string }> = {
  'react.js': { module: 'react', file: 'umd/react.production.min.js', type: 'application/javascript' },
  'react-dom.js': { module: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'application/javascript' },
  'graphiql.js': { module: 'graphiql', file: 'graphiql.min.js', type: 'application/javascript' },
  'graphiql.css': { module: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

const cache = new Map<string, { body: Buffer; type: string }>();

export function graphiqlAsset(name: string): { body: Buffer; type: string } | null {
  const asset = ASSETS[name];
  if (!asset) return null;
  let loaded = cache.get(name);
  if (!loaded) {
    const root = path.dirname(require.resolve(`${asset.module}/package.json`));
    loaded = { body: readFileSync(path.join(root, asset.file)), type: asset.type };
    cache.set(name, loaded);
  }
  return loaded;
}

/** The page: GraphiQL talking to /graphql over HTTP and to subscriptions over graphql-ws. */
export function graphiqlPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Windward GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script>
  // Paste an API key in the Headers tab: {"Authorization": "Bearer wwk_…"}
  const url = new URL('/graphql', window.location.href).toString();
  const fetcher = GraphiQL.createFetcher({ url, subscriptionUrl: url.replace(/^http/, 'ws'), headers: { 'apollo-require-preflight': 'true' } });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultEditorToolsVisibility: true,
      defaultHeaders: JSON.stringify({ Authorization: 'Bearer <your API key>' }, null, 2),
      defaultQuery: '# Windward: put your API key in the Headers tab, then run\\n{\\n  me { email roles agency { code name } }\\n  agencies(kind: RILO) { code name country }\\n}\\n',
    }),
  );
</script>
</body>
</html>`;
}
