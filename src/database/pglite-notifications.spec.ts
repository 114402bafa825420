import { listenCommandsOf, ListenTracker, notificationChannel, NotificationRoutes, NotificationSplitter, topLevelStatements } from './pglite-notifications.js';

const encoder = new TextEncoder();

/** A backend message: type, length (itself included), body. */
function message(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

function cstrings(...parts: string[]): Uint8Array {
  return encoder.encode(parts.map((part) => `${part}\0`).join(''));
}

function notification(channel: string, payload: string): Uint8Array {
  const pid = new Uint8Array([0, 0, 0, 42]);
  const rest = cstrings(channel, payload);
  const body = new Uint8Array(pid.length + rest.length);
  body.set(pid);
  body.set(rest, pid.length);
  return message('A', body);
}

function simpleQuery(sql: string): Uint8Array {
  return message('Q', cstrings(sql));
}

function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('LISTEN/NOTIFY between the connections of a PGlite session', () => {
  it('reads LISTEN and UNLISTEN statements, in order, with PostgreSQL identifier rules', () => {
    expect(listenCommandsOf(simpleQuery('-- subscribe\nLISTEN bullmq_jobs;\n'))).toEqual([{ listen: true, channel: 'bullmq_jobs' }]);
    expect(listenCommandsOf(simpleQuery('listen Mixed; LISTEN "Quoted ""x"""; /* c */ UNLISTEN *; unlisten other'))).toEqual([
      { listen: true, channel: 'mixed' },
      { listen: true, channel: 'Quoted "x"' },
      { listen: false, channel: null },
      { listen: false, channel: 'other' },
    ]);
    expect(listenCommandsOf(simpleQuery("SELECT 'LISTEN x'"))).toEqual([]);
    expect(listenCommandsOf(message('P', cstrings('', 'LISTEN viaParse')))).toEqual([{ listen: true, channel: 'viaparse' }]);
    expect(listenCommandsOf(simpleQuery('DISCARD ALL'))).toEqual([{ listen: false, channel: null }]);
    expect(listenCommandsOf(simpleQuery('UNLISTEN "*"; UNLISTEN *'))).toEqual([{ listen: false, channel: '*' }, { listen: false, channel: null }]);
  });

  it('does not take what is inside literals, quoted identifiers, dollar quotes or comments for statements', () => {
    expect(topLevelStatements("SELECT '; LISTEN x;'; LISTEN y")).toEqual(["SELECT ''", 'LISTEN y']);
    expect(topLevelStatements("/* -- */ LISTEN a; /* nested /* LISTEN b; */ still */ LISTEN c")).toEqual(['LISTEN a', 'LISTEN c']);
    expect(topLevelStatements("SELECT $fn$ LISTEN d; $fn$; SELECT E'it\\'s; LISTEN e'; LISTEN \"semi;colon\"")).toEqual(["SELECT ''", "SELECT E''", 'LISTEN "semi;colon"']);
    expect(listenCommandsOf(simpleQuery("SELECT '; LISTEN x;'"))).toEqual([]);
    expect(listenCommandsOf(simpleQuery('LISTEN "semi;colon"; LISTEN Ünïcode; LISTEN ' + 'n'.repeat(70)))).toEqual([
      { listen: true, channel: 'semi;colon' },
      { listen: true, channel: 'Ünïcode' },
      { listen: true, channel: 'n'.repeat(63) },
    ]);
  });

  it('applies LISTEN when its statement ends outside a transaction, at COMMIT inside one, and never after a rollback or an error', () => {
    const tracker = new ListenTracker();
    const ok = (lastCommand: string | null = null) => ({ sawError: false, lastCommand });
    expect(tracker.settle(1, simpleQuery('LISTEN a'), ok('LISTEN'), false)).toEqual([{ listen: true, channel: 'a' }]);
    expect(tracker.settle(1, simpleQuery('LISTEN b; SELECT nope'), { sawError: true, lastCommand: 'LISTEN' }, false)).toEqual([]);
    expect(tracker.settle(1, simpleQuery('BEGIN; LISTEN c'), ok('LISTEN'), true)).toEqual([]);
    expect(tracker.settle(1, simpleQuery('UNLISTEN a'), ok('UNLISTEN'), true)).toEqual([]);
    expect(tracker.settle(1, simpleQuery('COMMIT'), ok('COMMIT'), false)).toEqual([{ listen: true, channel: 'c' }, { listen: false, channel: 'a' }]);
    expect(tracker.settle(1, simpleQuery('BEGIN; LISTEN d'), ok('LISTEN'), true)).toEqual([]);
    expect(tracker.settle(1, simpleQuery('COMMIT'), ok('ROLLBACK'), false)).toEqual([]); // an aborted transaction's COMMIT rolls back
    // The extended protocol: Parse … Sync, the statement taking effect at the Sync.
    expect(tracker.settle(2, message('P', cstrings('', 'LISTEN e')), ok(), false)).toEqual([]);
    expect(tracker.settle(2, message('E', cstrings('')), ok('LISTEN'), false)).toEqual([]);
    expect(tracker.settle(2, message('S', new Uint8Array()), ok(), false)).toEqual([{ listen: true, channel: 'e' }]);
    expect(tracker.settle(2, message('P', cstrings('', 'LISTEN f')), { sawError: true, lastCommand: null }, false)).toEqual([]);
    expect(tracker.settle(2, message('S', new Uint8Array()), ok(), false)).toEqual([]);
  });

  it('takes notifications out of a reply, also when a chunk ends inside a message', () => {
    const row = message('D', encoder.encode('row data'));
    const ready = message('Z', encoder.encode('I'));
    const note = notification('jobs', 'windward');
    const stream = joined([row, note, ready]);
    for (let cut = 0; cut <= stream.length; cut += 1) {
      const passed: Uint8Array[] = [];
      const splitter = new NotificationSplitter((bytes) => passed.push(bytes.slice()));
      splitter.push(stream.subarray(0, cut));
      splitter.push(stream.subarray(cut));
      splitter.finish();
      expect(joined(passed)).toEqual(joined([row, ready]));
      expect(splitter.notifications).toEqual([note]);
      expect(notificationChannel(splitter.notifications[0])).toBe('jobs');
      expect(splitter.sawError).toBe(false);
    }
  });

  it('passes a stream it cannot frame through untouched', () => {
    const passed: Uint8Array[] = [];
    const splitter = new NotificationSplitter((bytes) => passed.push(bytes.slice()));
    const garbage = new Uint8Array([0x44, 0, 0, 0, 1, 9, 9, 9]);
    splitter.push(garbage);
    splitter.push(notification('jobs', 'x'));
    expect(joined(passed)).toEqual(joined([garbage, notification('jobs', 'x')]));
    expect(splitter.notifications).toEqual([]);
  });

  it('delivers to the listeners of a channel only, and asks to listen again after an UNLISTEN that others still need', () => {
    const routes = new NotificationRoutes();
    const received = new Map<number, string[]>();
    for (const connection of [1, 2, 3]) {
      received.set(connection, []);
      routes.writerFor(connection, (bytes) => received.get(connection)!.push(notificationChannel(bytes)));
    }
    expect(routes.apply(1, [{ listen: true, channel: 'jobs' }])).toEqual([]);
    expect(routes.apply(2, [{ listen: true, channel: 'jobs' }, { listen: true, channel: 'events' }])).toEqual([]);
    routes.deliver([notification('jobs', 'a'), notification('events', 'b'), notification('nobody', 'c')]);
    expect(Object.fromEntries(received)).toEqual({ 1: ['jobs'], 2: ['jobs', 'events'], 3: [] });

    expect(routes.apply(3, [{ listen: false, channel: 'jobs' }])).toEqual(['jobs']); // the session stopped; 1 and 2 still listen
    expect(routes.apply(2, [{ listen: false, channel: null }]).sort()).toEqual(['jobs']);
    routes.forget(1);
    expect(routes.apply(3, [{ listen: false, channel: 'jobs' }])).toEqual([]);
    received.forEach((list) => list.splice(0));
    routes.deliver([notification('jobs', 'a')]);
    expect(Object.fromEntries(received)).toEqual({ 1: [], 2: [], 3: [] });
  });
});
