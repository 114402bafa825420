import { isDatabaseUnavailable, unavailableReason } from '../errors/database-unavailable.js';
import { JsonLogger } from '../observability/json-logger.js';
import { DatabaseOutage } from './database-outage.js';

function pgError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('database outages', () => {
  it('tells an unreachable database from a refused query', () => {
    expect(isDatabaseUnavailable(pgError('ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    // TypeORM's wrapper keeps pg's error as driverError; others use cause.
    expect(isDatabaseUnavailable(Object.assign(new Error('query failed'), { driverError: pgError('ECONNRESET') }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: pgError('57P03') }))).toBe(true);
    expect(isDatabaseUnavailable(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('42P01', 'relation does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('ENOENT', 'no such file'))).toBe(false);
    expect(isDatabaseUnavailable('a string')).toBe(false);
    expect(unavailableReason(pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'))).toBe('ECONNREFUSED');
    expect(unavailableReason(new Error('Connection terminated unexpectedly'))).toBe('connection lost');
  });

  it('logs an outage once when it starts and once when it ends, however many requests failed', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new JsonLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    let up = false;
    const outage = new DatabaseOutage(logger, async () => {
      if (!up) throw new Error('down');
    }, 20);
    try {
      for (let i = 0; i < 50; i += 1) expect(outage.noteFailure(pgError('ECONNREFUSED'))).toBe(true);
      expect(outage.noteFailure(pgError('23505'))).toBe(false);
      expect(outage.down).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(outage.down).toBe(true);
      up = true;
      for (let i = 0; i < 50 && outage.down; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(outage.down).toBe(false);
      expect(lines.map((line) => line.msg)).toEqual(['database unavailable', 'database available again']);
      expect(lines[1]).toMatchObject({ refused: 50 });
    } finally {
      outage.close();
    }
  });
});
