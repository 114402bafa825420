import type net from 'node:net';

/** Listens on a local socket path: resolves once listening, rejects if the path cannot be taken. */
export function listenOnPath(server: net.Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
