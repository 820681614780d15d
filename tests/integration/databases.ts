import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Db, DbHandle } from '@/db/client';
import { openMigratedDatabase } from '@/lib/boot/migrate';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function serverReachable(): Promise<boolean> {
  const sql = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

type Target = { name: string; open(): Promise<{ handle: DbHandle; url?: string; dispose(): Promise<void> }> };

const embedded: Target = {
  name: 'embedded PGlite',
  async open() {
    const handle = await openMigratedDatabase({ pgliteDir: 'memory://' });
    return { handle, dispose: () => handle.close() };
  },
};

/** A brand-new database on the server per test file, dropped afterwards: runs never see each other's rows. */
const server: Target = {
  name: 'PostgreSQL server',
  async open() {
    const name = `audit_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const handle = await openMigratedDatabase({ url: url.toString() });
    return {
      handle,
      url: url.toString(),
      async dispose() {
        await handle.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end({ timeout: 5 });
      },
    };
  },
};

const reachable = await serverReachable();
if (!reachable && CI) {
  throw new Error(`CI=true but no PostgreSQL server answers at TEST_DATABASE_URL (${ADMIN_URL}); the server suite must not be skipped`);
}
if (!reachable) console.warn(`[tests] PostgreSQL server not reachable at ${ADMIN_URL}: server suites skipped (never allowed in CI)`);

/** What a suite sees: the open database, and on a server its URL (to connect as another role). */
export type TestDatabase = { readonly db: Db; readonly handle: DbHandle; readonly url: string | undefined };

/**
 * Runs `suite` once against the embedded database and once against a real PostgreSQL server, each a
 * fresh database. `ctx.db` is valid inside tests and hooks.
 */
export function describeEachDatabase(title: string, suite: (ctx: TestDatabase) => void) {
  describeOn([embedded, server], title, suite);
}

/** For what only the server has (postgres.js and its connections); a fresh database as above. */
export function describeOnServer(title: string, suite: (ctx: TestDatabase) => void) {
  describeOn([server], title, suite);
}

function describeOn(targets: Target[], title: string, suite: (ctx: TestDatabase) => void) {
  for (const target of targets) {
    const run = target === server && !reachable ? describe.skip : describe;
    run(`${title} [${target.name}]`, () => {
      let opened: Awaited<ReturnType<Target['open']>> | undefined;
      const ctx = {
        get db() {
          if (!opened) throw new Error('database not open yet');
          return opened.handle.db;
        },
        get handle() {
          if (!opened) throw new Error('database not open yet');
          return opened.handle;
        },
        get url() {
          return opened?.url;
        },
      };
      beforeAll(async () => {
        opened = await target.open();
      });
      afterAll(async () => {
        await opened?.dispose();
      });
      suite(ctx);
    });
  }
}
