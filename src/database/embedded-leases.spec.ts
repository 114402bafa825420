import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LeaseServer, takeLease, type ProcessName } from './embedded-leases.js';

const HOST: ProcessName = { pid: 1, command: 'windward demo' };
const pending = Symbol('pending');

/** The promise's value if it has settled within a few event-loop turns, else `pending`. */
async function peek<T>(promise: Promise<T>): Promise<T | typeof pending> {
  return Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), 50))]);
}

async function until(done: () => boolean, ms = 2000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('embedded database leases', () => {
  let dir: string;
  let file: string;
  const lost: { host: ProcessName; stopping: boolean }[] = [];
  const onLost = (host: ProcessName, stopping: boolean) => lost.push({ host, stopping });
  const client = (pid: number) => takeLease(file, { pid, command: `windward user create #${pid}` }, onLost);
  /** Stopped after each test, so that a failing one leaves nothing listening to keep Jest up. */
  let opened: { close(): unknown }[] = [];
  const hostAs = (name: ProcessName, admitWhileClosing: boolean, onClient?: (client: ProcessName) => void) => {
    const server = new LeaseServer(file, name, { admitWhileClosing, onClient });
    opened.push({ close: () => server.close(0) });
    return server;
  };

  /** A host that grants leases and then, when the test destroys the sockets it returns, dies without a word. */
  const hostThatWillDie = async (): Promise<net.Socket[]> => {
    const sockets: net.Socket[] = [];
    const dying = net.createServer((socket) => {
      sockets.push(socket);
      socket.write(`ok ${JSON.stringify(HOST)}\n`);
    });
    await new Promise<void>((resolve) => dying.listen(file, resolve));
    opened.push({ close: () => new Promise((resolve) => dying.close(resolve)) });
    return sockets;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'windward-leases-'));
    file = path.join(dir, 'windward.sock');
    lost.length = 0;
  });
  afterEach(async () => {
    await Promise.all(opened.map((server) => server.close()));
    opened = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('grants none before the host admits, and none where no host listens', async () => {
    expect(await client(2)).toBeNull();
    const server = hostAs(HOST, true);
    await server.start();
    expect(await client(2)).toBeNull(); // starting: its migrations are not applied yet
    server.admit();
    const lease = await client(2);
    expect(lease?.host).toEqual(HOST);
    await lease!.release();
    await server.close(1000);
  });

  it("keeps a host up until every lease has ended, naming who it waits for, and takes a command's new clients meanwhile", async () => {
    const clients: ProcessName[] = [];
    const server = hostAs(HOST, true, (name) => clients.push(name));
    await server.start();
    server.admit();
    const first = (await client(2))!;
    const waitedFor: ProcessName[][] = [];
    const closed = server.close(Number.POSITIVE_INFINITY, (names) => waitedFor.push(names), 10);
    const second = (await client(3))!;
    expect(second).not.toBeNull();
    await until(() => waitedFor.length > 0 && clients.length === 2);
    expect(waitedFor).toEqual([[expect.objectContaining({ pid: 2 }), expect.objectContaining({ pid: 3 })]]);
    expect(clients).toEqual([{ pid: 2, command: 'windward user create #2' }, { pid: 3, command: 'windward user create #3' }]);
    await first.release();
    expect(await peek(closed)).toBe(pending);
    await second.release();
    await closed;
    expect(lost).toEqual([]);
    expect(await client(4)).toBeNull(); // gone: the next process takes the data directory
  });

  it('a server shutting down takes no new clients, and tells those left that it stops before cutting them off', async () => {
    const server = hostAs({ pid: 1, command: 'windward serve' }, false);
    await server.start();
    server.admit();
    const held = (await client(2))!;
    const closed = server.close(100);
    expect(await client(3)).toBeNull();
    await until(() => lost.length > 0);
    // Heard while the host still waits (it has not cut the lease off): the holder stops first.
    expect(lost).toEqual([{ host: { pid: 1, command: 'windward serve' }, stopping: true }]);
    expect(await peek(closed)).toBe(pending);
    await held.release();
    await closed;
    expect(lost).toHaveLength(1);
  });

  it('reports a host that dies while a lease is held, once', async () => {
    const sockets = await hostThatWillDie();
    const lease = await client(2);
    expect(lease).not.toBeNull();
    for (const socket of sockets) socket.destroy();
    await until(() => lost.length > 0);
    expect(lost).toEqual([{ host: HOST, stopping: false }]);
    await lease!.release();
    expect(lost).toHaveLength(1);
  });

  it('reports a host that died just before the lease was let go: it never answers bye', async () => {
    const sockets = await hostThatWillDie();
    const lease = (await client(2))!;
    // In the same turn: the client has not read the end of its lease when it lets go (a command
    // whose start failed on the dead host's broken socket closes its connection at once).
    for (const socket of sockets) socket.destroy();
    await lease.release();
    expect(lost).toEqual([{ host: HOST, stopping: false }]);
  });

  it('reports nothing when a live host acknowledges the end of a lease', async () => {
    const server = hostAs(HOST, true);
    await server.start();
    server.admit();
    const lease = (await client(2))!;
    await lease.release();
    await server.close(1000);
    expect(lost).toEqual([]);
  });
});
