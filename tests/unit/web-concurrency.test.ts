import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { workerCount } from '../../scripts/cluster.mjs';

const SERVER = 'postgres://postgres@127.0.0.1:5432/audit';

function count(env: Record<string, string | undefined>, dev = false) {
  const lines: string[] = [];
  return { workers: workerCount(env, { dev, log: (line) => lines.push(line) }), lines };
}

describe('WEB_CONCURRENCY: how many server processes `npm start` runs', () => {
  it('runs one process per core on a PostgreSQL server by default, or as many as asked', () => {
    expect(count({ DATABASE_URL: SERVER }).workers).toBe(os.availableParallelism());
    expect(count({ DATABASE_URL: SERVER, WEB_CONCURRENCY: '3' }).workers).toBe(3);
    expect(count({ DATABASE_URL: SERVER, WEB_CONCURRENCY: '1' }).workers).toBe(1);
    expect(count({ DATABASE_URL: SERVER, WEB_CONCURRENCY: '' }).workers).toBe(os.availableParallelism());
  });

  it('runs one process on the embedded database, saying so when more were asked for', () => {
    expect(count({})).toEqual({ workers: 1, lines: [] });
    const asked = count({ WEB_CONCURRENCY: '4' });
    expect(asked.workers).toBe(1);
    expect(asked.lines).toEqual([expect.stringMatching(/WEB_CONCURRENCY=4 ignored: the embedded database .* 1 server process/)]);
  });

  it('runs one process in development mode', () => {
    expect(count({ DATABASE_URL: SERVER, WEB_CONCURRENCY: '4' }, true).workers).toBe(1);
  });

  it('refuses anything but a whole number from 1', () => {
    for (const bad of ['0', '-1', '2.5', 'auto', 'two']) {
      expect(() => count({ DATABASE_URL: SERVER, WEB_CONCURRENCY: bad })).toThrow(/WEB_CONCURRENCY must be a whole number from 1/);
    }
  });
});
