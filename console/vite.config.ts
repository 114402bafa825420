import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is served by the Windward process itself (`/` and `/assets/*`), under a CSP that
// allows only this origin: everything, the map's country shapes included, is bundled here.
export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    // The dashboard's chunk carries the Natural Earth 1:50m shapes; it loads only with the dashboard.
    chunkSizeWarningLimit: 1000,
    target: 'es2022',
  },
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '/graphql': { target: 'http://localhost:4000', ws: true }, '/session': 'http://localhost:4000', '/reports': 'http://localhost:4000' } },
});
