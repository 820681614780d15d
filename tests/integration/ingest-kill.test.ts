import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { verifyChain } from '@/lib/chain/verify';
import { createKey } from './chain-helpers';
import { rowsOf } from './context';
import { describeOnServer } from './databases';
import { createOrg } from './fixtures';

const root = path.resolve(import.meta.dirname, '..', '..');
const ACKS_BEFORE_KILL = 25;

/**
 * Runs the ingesting child until it has acknowledged ACKS_BEFORE_KILL batches, kills it with SIGKILL mid-flight
 * (other batches are being committed), and returns every id it acknowledged.
 */
async function ingestThenKill(target: { url?: string; pgliteDir?: string }, key: string): Promise<string[]> {
  // Node itself with tsx's loader, not the tsx command: that is a wrapper around a second process, which a SIGKILL
  // to the wrapper would leave running.
  const script = path.join(root, 'tests', 'support', 'ingest-until-killed.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ ...target, key })], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let batches = 0;
  let buffered = '';
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('ERROR')) errors += `${line}\n`;
      if (!line.startsWith('ACK ')) continue;
      acked.push(...line.slice(4).split(' '));
      if (++batches === ACKS_BEFORE_KILL) child.kill('SIGKILL');
    }
  });
  const signal = await exited;
  expect(errors).toBe('');
  expect(signal).toBe('SIGKILL');
  expect(batches).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
  return acked;
}

async function expectAllStored(db: Db, orgId: string, acked: string[]): Promise<void> {
  const stored = new Set(
    rowsOf<{ id: string }>(await db.execute(sql`select id::text from audit_events where org_id = ${orgId} and object_type = 'kill-test'`)).map((r) => r.id),
  );
  const lost = acked.filter((id) => !stored.has(id));
  expect(lost).toEqual([]);
  // Whatever was committed after the last acknowledgement is there too, as one unbroken chain.
  expect(stored.size).toBeGreaterThanOrEqual(acked.length);
  expect(await verifyChain(db, orgId)).toMatchObject({ ok: true, count: stored.size });
}

describeOnServer('ingest: a process killed while ingesting loses nothing it acknowledged', (ctx) => {
  it('finds every acknowledged event stored after SIGKILL, the chain unbroken', async () => {
    const org = await createOrg(ctx.db, 'kill-server');
    const key = await createKey(ctx.db, org.id);
    const [{ name }] = rowsOf<{ name: string }>(await ctx.db.execute(sql`select current_database() as name`)) as [{ name: string }];
    const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${name}`;
    const acked = await ingestThenKill({ url: url.toString() }, key);
    await expectAllStored(ctx.db, org.id, acked);
  });
});

describe('ingest: a process killed while ingesting loses nothing it acknowledged [embedded PGlite, on disk]', () => {
  it('finds every acknowledged event stored after SIGKILL, the chain unbroken', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-kill-'));
    try {
      const pgliteDir = path.join(dir, 'pglite');
      let handle = await openMigratedDatabase({ pgliteDir });
      const org = await createOrg(handle.db, 'kill-embedded');
      const key = await createKey(handle.db, org.id);
      await handle.close();
      const acked = await ingestThenKill({ pgliteDir }, key);
      handle = await openMigratedDatabase({ pgliteDir });
      try {
        await expectAllStored(handle.db, org.id, acked);
      } finally {
        await handle.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
