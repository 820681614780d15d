import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase, type DbHandle } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditEvents, organizations } from '@/db/schema';
import { migrateDatabase, openMigratedDatabase } from '@/lib/boot/migrate';
import { prepareDatabase } from '@/lib/boot/start';
import { describeEachDatabase, describeOnServer } from './databases';

// What several server processes (WEB_CONCURRENCY workers, several instances) do at once when they start together.

const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };

async function appliedMigrations(handle: DbHandle): Promise<{ n: number; distinct: number }> {
  const [row] = rowsOf<{ n: number; distinct: number }>(
    await handle.db.execute(sql`select count(*)::int as n, count(distinct hash)::int as "distinct" from drizzle.__drizzle_migrations`),
  );
  return row!;
}

describeEachDatabase('startup: processes starting together seed the demo organizations once', (ctx) => {
  it('one start seeds, the others find the organizations and add nothing', async () => {
    // On a server a second connection pool is a second process's; the embedded database has one process.
    const other = ctx.url ? await openDatabase({ url: ctx.url }) : ctx.handle;
    try {
      const settings = { seedDemo: true, seedEvents: 300 };
      const results = await Promise.all([prepareDatabase(ctx.handle, settings), prepareDatabase(other, settings), prepareDatabase(ctx.handle, settings)]);
      expect(results.filter((r) => r.seeded)).toHaveLength(1);
      expect(await ctx.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, 'acme'))).toHaveLength(1);
      const [events] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents);
      expect(events!.n).toBe(300 + 200); // acme's events + globex's minimum share, once
    } finally {
      if (other !== ctx.handle) await other.close();
    }
  });
});

describeOnServer('startup: processes starting together on a new database migrate it once', () => {
  it('three processes opening an empty database all start, each migration applied once', async () => {
    const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `audit_test_startup_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const opened = await Promise.allSettled([1, 2, 3].map(() => openMigratedDatabase({ url: url.toString() })));
    try {
      expect(opened.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
      const handle = (opened[0] as PromiseFulfilledResult<DbHandle>).value;
      expect(await appliedMigrations(handle)).toEqual({ n: journal.entries.length, distinct: journal.entries.length });
    } finally {
      await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    }
  });
});

describe('startup: concurrent migrations on one embedded database [embedded PGlite]', () => {
  it('callers migrating one handle at once all finish, each migration applied once', async () => {
    const handle = await openDatabase({ pgliteDir: 'memory://' });
    try {
      await Promise.all([migrateDatabase(handle), migrateDatabase(handle)]);
      expect(await appliedMigrations(handle)).toEqual({ n: journal.entries.length, distinct: journal.entries.length });
    } finally {
      await handle.close();
    }
  });
});
