import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from './context';
import { describeOnServer } from './databases';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// The driver's code (CONNECT_TIMEOUT, 57P01, …) under Drizzle's "Failed query" wrapper.
const reason = (e: unknown) => String((e as { cause?: { code?: string } }).cause?.code ?? e);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Server only: this is about postgres.js's pool when the server ends its sessions (pg_terminate_backend, a
// failover, a proxy restart). See db/connection-loss.ts for what went wrong: pool slots that timed out on every
// connect for minutes afterwards, and an uncaught exception (which vitest reports as an error of this file).
describeOnServer('recovery after the server ends the app’s connections', (ctx) => {
  it('every query issued after its backends were terminated mid-load succeeds within a few seconds', async () => {
    const [{ db: name }] = rowsOf<{ db: string }>(await ctx.db.execute(sql`select current_database() as db`)) as [{ db: string }];
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    const terminate = () => admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [name]);

    // One query as a page load makes it: alone, or as a short transaction.
    const query = async (i: number) => {
      if (i % 8 === 0) {
        await ctx.db.transaction(async (tx) => {
          await tx.execute(sql`select pg_sleep(0.005)`);
          await tx.execute(sql`select ${i}::int as i`);
        });
      } else {
        await ctx.db.execute(sql`select pg_sleep(0.01), ${i}::int as i`);
      }
    };

    let phase: 'load' | 'after' | 'done' = 'load';
    const after: { ms: number; error?: unknown }[] = [];
    const worker = async (i: number) => {
      while (phase !== 'done') {
        const measured = phase === 'after';
        const started = performance.now();
        try {
          await query(i);
          if (measured) after.push({ ms: performance.now() - started });
        } catch (error) {
          // Queries in flight when their backend is terminated fail; that is the server's doing.
          if (measured) after.push({ ms: performance.now() - started, error });
        }
      }
    };

    const workers = Array.from({ length: 40 }, (_, i) => worker(i));
    try {
      await sleep(500);
      for (let k = 0; k < 4; k++) {
        expect((await terminate()).length).toBeGreaterThan(0);
        await sleep(1_500);
      }
      // Let the last terminations reach the client, then measure what is issued from now on.
      await sleep(300);
      phase = 'after';
      // Longer than the connect timeout (10 s): a slot left broken would show up as a connect that times out.
      await sleep(12_000);
    } finally {
      phase = 'done';
      await Promise.all(workers);
      await admin.end({ timeout: 5 });
    }

    expect(after.length).toBeGreaterThan(100);
    expect(after.filter((r) => r.error).map((r) => reason(r.error))).toEqual([]);
    expect(Math.max(...after.map((r) => r.ms))).toBeLessThan(3_000);
  }, 60_000);
});
