import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { ensureDemoTenants, generateDemoEvents } from '@/lib/seed/demo';

/** The server the benchmarks use (trust auth); a fresh database is created on it and dropped afterwards. */
export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchDatabase = { name: string; url: string; drop(): Promise<void> };

/** CREATE DATABASE `name` (default audit_bench_<pid>_<time>) through the admin connection, migrated like production. */
export async function createBenchDatabase(name = `audit_bench_${process.pid}_${Date.now().toString(36)}`): Promise<BenchDatabase> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = await openMigratedDatabase({ url: url.toString() });
  await handle.close();
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export type BenchData = { orgId: string; user: { id: string; email: string }; rows: number; seconds: number; newest: string };

/** Fills Acme with `rows` realistic demo events (the product's seed generator: hash-chained, redacted, with changes). */
export async function fillBenchDatabase(url: string, rows: number, now: number): Promise<BenchData> {
  const handle = await openDatabase({ url });
  const started = performance.now();
  try {
    const { orgIds, userIds } = await ensureDemoTenants(handle.db);
    const orgId = orgIds.acme!;
    await generateDemoEvents(handle.db, { orgId, slug: 'acme', userIds, count: rows, now, seed: 2026 });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql`analyze audit_events`;
    const [newest] = await sql<{ at: Date }[]>`select max(occurred_at) as at from audit_events where org_id = ${orgId}`;
    await sql.end();
    return {
      orgId,
      user: { id: userIds['alice@acme.test']!, email: 'alice@acme.test' },
      rows,
      seconds: (performance.now() - started) / 1000,
      newest: newest!.at.toISOString(),
    };
  } finally {
    await handle.close();
  }
}
