import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's Content-Security-Policy: scripts, styles, images and connections from this origin
 * only (no CDN, no web fonts, no map tiles from elsewhere), no inline script, no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The built console (`dist/console`, written by `vite build`), found from the repository root. */
function consoleDirectory(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'console');
    dir = path.dirname(dir);
  }
  return path.resolve('dist', 'console');
}

const ASSET_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|svg|png|json|woff2)$/;

export interface ConsoleFile {
  body: Buffer;
  type: string;
}

export class ConsoleFiles {
  private readonly cache = new Map<string, ConsoleFile | null>();

  constructor(private readonly root: string = consoleDirectory()) {}

  /** index.html, or null when the console was not built. */
  index(): ConsoleFile | null {
    return this.read('index.html', 'text/html; charset=utf-8');
  }

  /** A file under assets/ (hashed names from Vite); anything else is null. */
  asset(name: string): ConsoleFile | null {
    if (!ASSET_NAME.test(name)) return null;
    return this.read(path.join('assets', name), TYPES[path.extname(name)]);
  }

  private read(relative: string, type: string): ConsoleFile | null {
    if (this.cache.has(relative)) return this.cache.get(relative)!;
    const file = path.join(this.root, relative);
    const loaded = existsSync(file) ? { body: readFileSync(file), type } : null;
    // Assets have content-hashed names, so they never change; index.html is read each time (it is
    // small), so that a rebuild is served without a restart.
    if (relative !== 'index.html') this.cache.set(relative, loaded);
    return loaded;
  }
}
