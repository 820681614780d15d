import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { rowsOf } from '@/db/rows';
import { ensureDemoTenants, generateDemoEvents } from '@/lib/seed/demo';
import { PEER_HEADER } from '@/lib/recording/client-ip';
import { recordAuditEvents } from '@/lib/recording/record';
import { readViewState } from '@/lib/view/view-state';
import { createExportStream } from '@/lib/exports/export-stream';
import { handleExportRequest, type ExportPrincipal } from '@/lib/exports/handle-export';
import { PDF_ROW_CAP } from '@/lib/exports/limits';
import { insertSavedView } from '@/db/queries/saved-views';
import ExcelJS from 'exceljs';
import { describeEachDatabase } from './databases';

const NOW = new Date('2026-11-21T12:00:00Z');
const ZONE = 'Europe/Berlin';
const ALL_TIME = 'from=2000-01-01T00:00:00Z&to=2026-11-21T12:00:00Z';

type ExportRow = {
  result: string;
  message: string;
  error_message: string | null;
  metadata: { format: string; filters: string; row_count: number };
  actor_label: string;
  actor_type: string;
  source: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  object_type: string;
};

describeEachDatabase('exports: HTTP answers, streaming, aborts and the audit trail', (ctx) => {
  let principal: ExportPrincipal;
  let orgId = '';
  const unlimited = () => ({ name: `export-test-${Math.random()}`, max: 1_000, windowMs: 60_000 });

  beforeAll(async () => {
    const { orgIds, userIds } = await ensureDemoTenants(ctx.db);
    orgId = orgIds.acme!;
    principal = { user: { id: userIds['bob@acme.test']!, email: 'bob@acme.test' }, org: { orgId, slug: 'acme', name: 'Acme Corp' }, zone: ZONE };
    // More than a PDF may hold, so the cap can be tested on real data.
    await generateDemoEvents(ctx.db, { orgId, slug: 'acme', userIds, count: PDF_ROW_CAP + 600, now: NOW.getTime(), seed: 11 });
    await generateDemoEvents(ctx.db, { orgId: orgIds.globex!, slug: 'globex', userIds, count: 200, now: NOW.getTime(), seed: 12 });
  });

  const get = (query: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    new Request(`http://localhost/audit/export?${query}`, { headers, signal });
  const count = async (where = sql`true`) =>
    rowsOf<{ n: number }>(
      await ctx.db.execute(
        sql`select count(*)::int as n from audit_events where org_id = ${orgId} and occurred_at < ${NOW.toISOString()}::timestamptz and ${where}`,
      ),
    )[0]!.n;
  const exportEvents = async () =>
    rowsOf<ExportRow>(
      await ctx.db.execute(
        sql`select result, message, error_message, metadata, actor_label, actor_type, source, host(ip) as ip, user_agent, request_id, object_type from audit_events where org_id = ${orgId} and action = 'export' and actor_label = 'bob@acme.test' order by received_at, id`,
      ),
    );
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('answers 400 with the errors for a bad format or view parameter (the one JSON error shape), and exports nothing', async () => {
    for (const [query, param] of [
      ['format=docx', 'format'],
      ['range=7d', 'format'],
      ['format=csv&format=pdf', 'format'],
      ['format=csv&sort=message.asc', 'sort'],
      ['format=csv&from=yesterday', 'from'],
      ['format=csv&bogus=1', 'bogus'],
    ] as const) {
      const res = await handleExportRequest(ctx.db, get(query), principal, { rateRule: unlimited(), now: NOW });
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: string; message: string; errors: { param: string }[]; request_id: string };
      expect(Object.keys(body)).toEqual(['error', 'message', 'errors', 'request_id']);
      expect(body.error).toBe('invalid_parameters');
      expect(
        body.errors.map((i) => i.param),
        query,
      ).toContain(param);
    }
    expect(await exportEvents()).toEqual([]);
  });

  it('streams the whole view as an attachment, ignoring paging, page size, columns and the open event', async () => {
    const res = await handleExportRequest(
      ctx.db,
      get(`format=csv&${ALL_TIME}&size=25&after=not-a-cursor&cols=time&event=nope&action=update`, { 'x-request-id': 'req-export-1' }),
      principal,
      { rateRule: unlimited(), now: NOW },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="audit-log_acme_2000-01-01T00-00Z_2026-11-21T12-00Z.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-request-id')).toBe('req-export-1');
    const lines = (await res.text()).split('\r\n').filter(Boolean);
    expect(lines.length - 1).toBe(await count(sql`action = 'update'`));
  });

  it('refuses a PDF over the cap with 413 before reading or rendering anything', async () => {
    expect(await count()).toBeGreaterThan(PDF_ROW_CAP);
    const recorded = (await exportEvents()).length;
    let batches = 0;
    const started = performance.now();
    const res = await handleExportRequest(ctx.db, get(`format=pdf&${ALL_TIME}`), principal, { rateRule: unlimited(), now: NOW, onBatch: () => batches++ });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('pdf_too_large');
    expect(body.message).toContain(PDF_ROW_CAP.toLocaleString('en-US'));
    expect(body.message).toMatch(/Narrow the time range.*CSV or Excel/);
    expect(batches).toBe(0);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await exportEvents()).toHaveLength(recorded);
  });

  it('rate-limits per user with 429, a clear message and Retry-After', async () => {
    const limiter = { name: 'export-test-429', max: 2, windowMs: 600_000 };
    const query = `format=jsonl&from=2026-11-21T11:00:00Z&to=2026-11-21T12:00:00Z`;
    for (let i = 0; i < 2; i++) {
      const ok = await handleExportRequest(ctx.db, get(query), principal, { rateRule: limiter, now: NOW });
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    }
    const refused = await handleExportRequest(ctx.db, get(query), principal, { rateRule: limiter, now: new Date(NOW.getTime() + 60_000) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('540');
    expect(((await refused.json()) as { message: string }).message).toMatch(/exports per 10 minutes/);
    const other = await handleExportRequest(
      ctx.db,
      get(query),
      { ...principal, user: { id: 'someone-else', email: 'alice@acme.test' } },
      { rateRule: limiter, now: NOW },
    );
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it('records each export: export on audit_log by the user, source web, with format, canonical filters and row_count', async () => {
    const before = (await exportEvents()).length;
    const headers = { 'x-request-id': 'req-export-audit', 'user-agent': 'vitest-agent', [PEER_HEADER]: '198.51.100.23' };
    const res = await handleExportRequest(ctx.db, get(`format=xlsx&range=7d&not.result=failure&sort=actor.asc&size=100&tz=utc`, headers), principal, {
      rateRule: unlimited(),
      now: NOW,
    });
    await res.arrayBuffer();
    const events = await exportEvents();
    expect(events).toHaveLength(before + 1);
    const recorded = events[events.length - 1]!;
    const from = new Date(NOW.getTime() - 7 * 86_400_000).toISOString();
    expect(recorded).toMatchObject({
      result: 'success',
      object_type: 'audit_log',
      actor_type: 'user',
      source: 'web',
      ip: '198.51.100.23',
      user_agent: 'vitest-agent',
      request_id: 'req-export-audit',
      metadata: { format: 'xlsx', filters: '?range=7d&not.result=failure&sort=actor.asc&tz=utc' },
    });
    // The 7-day window is open-ended, so count the way the export did: up to the export's own record.
    const rows = rowsOf<{ n: number }>(
      await ctx.db.execute(
        sql`select count(*)::int as n from audit_events where org_id = ${orgId} and occurred_at >= ${from}::timestamptz and result <> 'failure' and request_id is distinct from 'req-export-audit'`,
      ),
    )[0]!.n;
    expect(recorded.metadata.row_count).toBe(rows);
    expect(recorded.message).toBe(`Exported ${rows.toLocaleString('en-US')} audit events as Excel (.xlsx)`);
  });

  it('stops reading the database when the client cancels, and records the export as a failure with the rows sent', async () => {
    const before = (await exportEvents()).length;
    let batches = 0;
    const { state } = readViewState(new URLSearchParams(ALL_TIME), ZONE);
    const { stream } = createExportStream(ctx.db, {
      orgId,
      orgSlug: 'acme',
      orgName: 'Acme Corp',
      user: principal.user,
      zone: ZONE,
      state,
      format: 'csv',
      now: NOW,
      batchSize: 100,
      onBatch: () => batches++,
    });
    const reader = stream.getReader();
    const header = await reader.read();

    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(header.value).startsWith('\uFEFFTime')).toBe(true);
    expect(batches).toBe(0);
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(batches).toBe(1);
    await reader.cancel('user closed the tab');
    await settle();
    expect(batches).toBe(1);
    const events = await exportEvents();
    expect(events).toHaveLength(before + 1);
    expect(events[events.length - 1]).toMatchObject({
      result: 'failure',
      error_message: 'The download was cancelled before it finished',
      metadata: { format: 'csv', row_count: 100 },
    });
  });

  it('stops reading when the request is aborted while a batch is being fetched', async () => {
    let batches = 0;
    const abort = new AbortController();
    const { state } = readViewState(new URLSearchParams(ALL_TIME), ZONE);
    const { stream } = createExportStream(ctx.db, {
      orgId,
      orgSlug: 'acme',
      orgName: 'Acme Corp',
      user: principal.user,
      zone: ZONE,
      state,
      format: 'jsonl',
      now: NOW,
      batchSize: 100,
      signal: abort.signal,
      onBatch: () => batches++,
    });
    const reader = stream.getReader();
    // JSON Lines has no header: the first read is the first batch.
    await reader.read();
    expect(batches).toBe(1);
    // The second batch's query is in flight when the client goes away: its rows are dropped, nothing more is read.
    const pending = reader.read();
    abort.abort();
    await expect(pending).rejects.toThrow(/client disconnected/);
    await settle();
    expect(batches).toBe(1);
  });

  it('errors the stream when the database fails mid-export, so the download never looks complete', async () => {
    const { state } = readViewState(new URLSearchParams(ALL_TIME), ZONE);
    const { stream } = createExportStream(ctx.db, {
      orgId,
      orgSlug: 'acme',
      orgName: 'Acme Corp',
      user: principal.user,
      zone: ZONE,
      state,
      format: 'csv',
      now: NOW,
      batchSize: 100,
    });
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    // A real failure on both databases: the table disappears between two keyset queries.
    await ctx.db.execute(sql`alter table audit_events rename to audit_events_gone`);
    try {
      let error: unknown = null;
      try {
        for (;;) if ((await reader.read()).done) break;
      } catch (e) {
        error = e;
      }
      expect(String(error)).toMatch(/audit_events/);
    } finally {
      await ctx.db.execute(sql`alter table audit_events_gone rename to audit_events`);
    }
  });

  it('aborts a PDF whose view grows past the cap while it is exported: no crash, a failure recorded with the rows read', async () => {
    const escaped: unknown[] = [];
    const onEscape = (error: unknown) => escaped.push(error);
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
    try {
      const before = (await exportEvents()).length;
      // An open-ended view that is empty when counted, so the 413 check lets the PDF through.
      const res = await handleExportRequest(ctx.db, get('format=pdf&from=2000-01-01T00:00:00Z&type=grow_probe'), principal, {
        rateRule: unlimited(),
        now: NOW,
        batchSize: 400,
      });
      expect(res.status).toBe(200);
      // Then the view grows past the cap before the rows are read (as events arriving during an export would).
      const at = new Date(NOW.getTime() - 86_400_000);
      const entries = Array.from({ length: PDF_ROW_CAP + 1 }, (_, i) => ({
        orgId,
        actor: { type: 'system' as const, id: null, label: 'grower' },
        source: 'system' as const,
        action: 'grow',
        objectType: 'grow_probe',
        objectId: String(i),
        occurredAt: at,
        message: `row ${i}`,
      }));
      await recordAuditEvents(ctx.db, entries);
      // The download fails visibly (it never ends like a complete file), and the failure is recorded.
      await expect(res.arrayBuffer()).rejects.toThrow(/grew past the PDF limit/);
      await settle();
      const events = await exportEvents();
      expect(events).toHaveLength(before + 1);
      expect(events[events.length - 1]).toMatchObject({
        result: 'failure',
        error_message: `The view grew past the PDF limit of ${PDF_ROW_CAP.toLocaleString('en-US')} rows while exporting; the PDF was not made`,
        metadata: { format: 'pdf', row_count: 800 },
      });
      // The process goes on serving exports.
      const next = await handleExportRequest(ctx.db, get(`format=csv&${ALL_TIME}&action=update`), principal, { rateRule: unlimited(), now: NOW });
      expect(next.status).toBe(200);
      expect((await next.text()).length).toBeGreaterThan(0);
    } finally {
      process.off('unhandledRejection', onEscape);
      process.off('uncaughtException', onEscape);
    }
    expect(escaped).toEqual([]);
  });

  it('exports only the session organization', async () => {
    const res = await handleExportRequest(ctx.db, get(`format=jsonl&${ALL_TIME}`), principal, { rateRule: unlimited(), now: NOW });
    const orgs = new Set(
      (await res.text())
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { org_id: string }).org_id),
    );
    expect([...orgs]).toEqual([orgId]);
  });

  it("names the Excel report after the saved view it exports, and only when the view's filters are the export's", async () => {
    const name = 'Member role changes in the last 30 days, for the quarterly access review';
    await insertSavedView(ctx.db, orgId, { name, query: '?range=30d&action=update&type=member', shared: false, ownerId: principal.user.id });
    const reportOf = async (query: string) => {
      const res = await handleExportRequest(ctx.db, get(`format=xlsx&${query}`), principal, { rateRule: unlimited(), now: NOW });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
      let report: unknown = null;
      book.getWorksheet('Filters Applied')!.eachRow((row) => {
        if (row.getCell(1).value === 'Report') report = row.getCell(2).value;
      });
      return report;
    };
    // Columns, page size and the time zone switch are not what a view means.
    expect(await reportOf('range=30d&action=update&type=member&cols=time,actor&size=100&tz=utc')).toBe(name);
    expect(await reportOf('range=30d&action=update&type=member&result=failure')).toBe('Audit log export');
  });
});
