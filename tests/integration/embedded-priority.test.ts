import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { listAuditEvents } from '@/db/queries/audit-events';
import { inBackground } from '@/db/work-priority';
import { createExportStream } from '@/lib/exports/export-stream';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { readViewState } from '@/lib/view/view-state';
import { createKey } from './chain-helpers';
import { describeEachDatabase } from './databases';
import { createOrg, createUser, insertEvents } from './fixtures';

/*
 * The embedded database's single connection serves pages before background work (db/connection-scheduler.ts).
 * Orders are asserted on PGlite only: on a server every call has a connection of its own and nothing waits in
 * line; there the same work must simply all succeed.
 */

const NOW = new Date('2026-11-21T12:00:00Z');
const ALL_TIME = 'from=2000-01-01T00:00:00Z&to=2026-11-21T12:00:00Z';

describeEachDatabase('pages before background work on one connection', (ctx) => {
  let orgId = '';
  let user = { id: '', email: 'exporter@example.com' };
  const embedded = () => ctx.handle.kind === 'pglite';
  const allTime = () => resolveQueryFilters(readViewState(new URLSearchParams(ALL_TIME), 'UTC').state.filters, NOW, 'UTC');
  const pageRead = () => listAuditEvents(ctx.db, { orgId, filters: allTime(), sort: { column: 'time', dir: 'desc' }, limit: 50 });

  /** An all-time CSV export in 100-row batches, logging each batch; `duringFirst` runs as its first batch is read. */
  const exportAllTime = (log: string[], duringFirst: () => void) => {
    const { state } = readViewState(new URLSearchParams(ALL_TIME), 'UTC');
    const { stream } = createExportStream(ctx.db, {
      orgId,
      orgSlug: 'priority',
      orgName: 'Priority',
      user,
      zone: 'UTC',
      state,
      format: 'csv',
      now: NOW,
      batchSize: 100,
      onBatch: ({ index }) => {
        log.push(`export batch ${index}`);
        if (index === 1) duringFirst();
      },
    });
    return new Response(stream).text();
  };

  beforeAll(async () => {
    const org = await createOrg(ctx.db, 'priority');
    orgId = org.id;
    const u = await createUser(ctx.db, user.email);
    user = { id: u.id, email: user.email };
    await insertEvents(ctx.db, orgId, 600);
  });

  it("a page read issued during an export is answered before the export's next batch, ahead of waiting background work", async () => {
    const log: string[] = [];
    let pending: Promise<unknown>[] = [];
    const text = await exportAllTime(log, () => {
      // Other background work already waiting (more exports' batches, ingest transactions), then a page's read.
      pending = [
        ...[1, 2, 3].map((n) => inBackground(() => ctx.db.execute(sql`select ${n}::int as n`)).then(() => log.push(`background ${n}`))),
        pageRead().then((page) => log.push(`page read (${page.rows.length} rows)`)),
      ];
    });
    await Promise.all(pending);

    expect(text.split('\n').filter((l) => l.includes('event ')).length).toBe(600);
    expect(log).toContain('page read (50 rows)');
    expect(log.filter((l) => l.startsWith('background'))).toHaveLength(3);
    if (embedded()) {
      expect(log.indexOf('page read (50 rows)')).toBe(1);
      expect(log.indexOf('export batch 2')).toBeGreaterThan(log.indexOf('page read (50 rows)'));
      // Background work keeps its own order.
      expect(log.filter((l) => l.startsWith('background'))).toEqual(['background 1', 'background 2', 'background 3']);
    }
  });

  it("an ingest batch sent during an export commits before the export's next batch, and the export still completes", async () => {
    const key = await createKey(ctx.db, orgId);
    const log: string[] = [];
    let pending: Promise<unknown> | null = null;
    const text = await exportAllTime(log, () => {
      pending = handleIngestPost(
        ctx.db,
        new Request('http://localhost/api/v1/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify([{ action: 'update', object: { type: 'flow', id: 'during-export' }, message: 'written during an export' }]),
        }),
      ).then((res) => log.push(`ingest ${res.status}`));
    });
    await pending;

    expect(log).toContain('ingest 201');
    // The export's window ends before the ingest: it holds the 600 rows it started with, whatever the order.
    expect(text.split('\n').filter((l) => l.includes('event ')).length).toBe(600);
    if (embedded()) expect(log.indexOf('ingest 201')).toBeLessThan(log.indexOf('export batch 2'));
  });

  it('ingest still commits while page reads never stop: background work is not starved', async () => {
    const key = await createKey(ctx.db, orgId);
    let ingested = false;
    let reads = 0;
    // 8 viewers reloading without pause: a read is always waiting. Each stops once the ingest is answered (or at 100).
    const viewers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 100 && !ingested; i++) {
        await pageRead();
        reads++;
      }
    });
    const ingest = handleIngestPost(
      ctx.db,
      new Request('http://localhost/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify([{ action: 'update', object: { type: 'flow', id: 'flood' }, message: 'written during a flood' }]),
      }),
    ).then((res) => {
      ingested = true;
      return res.status;
    });
    expect(await ingest).toBe(201);
    await Promise.all(viewers);
    // Answered while the viewers were still reading, not after all 800 reads.
    expect(reads).toBeLessThan(800);
  });
});
