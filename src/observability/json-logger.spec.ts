import { JsonLogger } from './json-logger.js';

describe('JsonLogger', () => {
  it('drops lines below its level, but never a record', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new JsonLogger('error', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    logger.event('info', 'diagnostic', { n: 1 });
    logger.event('warn', 'warning');
    logger.record('audit anchor', { anchor: '7:abc' });
    logger.event('error', 'failure');
    expect(lines.map(({ time: _time, ...rest }) => rest)).toEqual([
      { level: 'info', msg: 'audit anchor', anchor: '7:abc' },
      { level: 'error', msg: 'failure' },
    ]);
  });
});
