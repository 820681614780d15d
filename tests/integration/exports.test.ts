import { TABLE_COLUMN_KEYS } from '@/lib/exports/columns';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '@/db/rows';
import { ensureDemoTenants, generateDemoEvents } from '@/lib/seed/demo';
import { recordAuditEvent } from '@/lib/recording/record';
import { readViewState } from '@/lib/view/view-state';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { createCsvCopyReader } from '@/lib/exports/csv-copy';
import { createCsvWriter } from '@/lib/exports/csv-writer';
import { createExportStream } from '@/lib/exports/export-stream';
import { createBatchReader } from '@/lib/exports/read-batches';
import type { ExportHeader } from '@/lib/exports/writer';
import type { ExportFormat } from '@/lib/exports/formats';
import { formatInZone } from '@/lib/format/time-zone';
import { describeEachDatabase } from './databases';

// Columns follow TABLE_COLUMN_KEYS (lib/exports/columns.ts): the event id is the 16th, before the integrity set.
const EVENT_ID_COLUMN = TABLE_COLUMN_KEYS.indexOf('eventId');

const NOW = new Date('2026-11-21T12:00:00Z');
const ZONE = 'Europe/Berlin';
const CI = process.env.CI === 'true' || process.env.CI === '1';
const PDFTOTEXT = '/usr/bin/pdftotext';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** A strict RFC 4180 reader, written independently of the exporter: records of fields, CRLF between records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] !== '"') {
          field += text[i++];
        } else if (text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else {
          break;
        }
      }
      i++;
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (text[i] === '\n' || text[i] === '\r' || text[i] === '"') throw new Error(`bare ${JSON.stringify(text[i])} outside quotes at ${i}`);
      field += text[i++];
    }
  }
  if (field || record.length) throw new Error('last record is not CRLF-terminated');
  return records;
}

/** The PDF's text; `-raw` keeps content-stream order, so a cell's words stay together across its wrapped lines. */
function pdfText(pdf: Buffer, layout = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'export-pdf-'));
  try {
    writeFileSync(path.join(dir, 'a.pdf'), pdf);
    return execFileSync(PDFTOTEXT, [layout ? '-layout' : '-raw', '-enc', 'UTF-8', path.join(dir, 'a.pdf'), '-'], { encoding: 'utf8' }).replace(/\u200B/g, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const INJECTION = {
  actorLabel: '=HYPERLINK("http://evil.test","click")',
  objectLabel: '+1',
  message: '-2',
  objectId: '@SUM(A1:A2)',
  errorMessage: '\tcmd',
  requestId: '\rcalc',
};
const QUOTING = { message: 'He said "hi", then\nleft 😀 — naïve, שלום עולם, مرحبا', objectLabel: 'a,b "c"\r\nd', objectId: 'id,with,commas' };

describeEachDatabase('exports: every format is the view', (ctx) => {
  let orgId = '';
  let user = { id: '', email: 'alice@acme.test' };

  beforeAll(async () => {
    const { orgIds, userIds } = await ensureDemoTenants(ctx.db);
    orgId = orgIds.acme!;
    user = { id: userIds['alice@acme.test']!, email: 'alice@acme.test' };
    await generateDemoEvents(ctx.db, { orgId, slug: 'acme', userIds, count: 1500, now: NOW.getTime(), seed: 7 });
    await generateDemoEvents(ctx.db, { orgId: orgIds.globex!, slug: 'globex', userIds, count: 300, now: NOW.getTime(), seed: 8 });
    const at = new Date(NOW.getTime() - 3_600_000);
    const probe = { orgId, source: 'api' as const, action: 'update', occurredAt: at, actor: { type: 'api_key' as const, id: 'ak_probe', label: 'probe key' } };
    await recordAuditEvent(ctx.db, {
      ...probe,
      objectType: 'probe_injection',
      ...INJECTION,
      actor: { ...probe.actor, label: INJECTION.actorLabel },
      result: 'failure',
    });
    await recordAuditEvent(ctx.db, { ...probe, objectType: 'probe_quoting', ...QUOTING, before: { note: 'old "x"' }, after: { note: 'new, 😀' } });
  });

  const exportView = async (format: ExportFormat, query: string, batchSize = 40) => {
    const { state, issues } = readViewState(new URLSearchParams(query), ZONE);
    expect(issues).toEqual([]);
    const out = createExportStream(ctx.db, { orgId, orgSlug: 'acme', orgName: 'Acme Corp', user, zone: ZONE, state, format, now: NOW, batchSize });
    return { ...out, bytes: Buffer.from(await new Response(out.stream).arrayBuffer()) };
  };
  const expectedIds = async (where: SQL, order: string) =>
    rowsOf<{ id: string }>(await ctx.db.execute(sql`select id::text from audit_events where org_id = ${orgId} and ${where} order by ${sql.raw(order)}`)).map(
      (r) => r.id,
    );

  const csvRows = (bytes: Buffer) => {
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    return parseCsv(text.slice(1));
  };
  const xlsxBook = async (bytes: Buffer) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    return book;
  };
  const xlsxRows = async (bytes: Buffer) => {
    const sheet = (await xlsxBook(bytes)).getWorksheet('Audit events')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  const idsIn = async (format: ExportFormat, bytes: Buffer): Promise<string[]> => {
    if (format === 'csv')
      return csvRows(bytes)
        .slice(1)
        .map((r) => r[EVENT_ID_COLUMN]!);
    if (format === 'xlsx') return (await xlsxRows(bytes)).slice(1).map((r) => String(r[EVENT_ID_COLUMN]));
    if (format === 'jsonl')
      return bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string; type?: string })
        .filter((r) => r.type !== 'audit-log-export-proof') // the trailer: see tests/integration/export-proof.test.ts
        .map((r) => r.id);
    return [
      ...pdfText(bytes)
        .replace(/\s+/g, ' ')
        .matchAll(new RegExp(`event (${UUID.source})`, 'g')),
    ].map((m) => m[1]!);
  };

  const combos = [
    {
      name: 'one week, action update, newest first',
      query: 'from=2026-11-14T12:00:00Z&to=2026-11-21T12:00:00Z&action=update',
      where: sql`occurred_at >= '2026-11-14T12:00:00Z' and occurred_at < '2026-11-21T12:00:00Z' and action = 'update'`,
      order: 'occurred_at desc, id desc',
    },
    {
      name: 'one week, not failures, sorted by user A to Z',
      query: 'from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z&not.result=failure&sort=actor.asc',
      where: sql`occurred_at >= '2026-11-01T00:00:00Z' and occurred_at < '2026-11-08T00:00:00Z' and result <> 'failure'`,
      order: 'lower(actor_label) asc, occurred_at asc, id asc',
    },
  ];

  describe.each(['csv', 'xlsx', 'jsonl', 'pdf'] as const)('%s', (format) => {
    it.each(combos)('holds exactly the rows of the view, in its order: $name', async (c) => {
      if (format === 'pdf' && !existsSync(PDFTOTEXT)) {
        if (CI) throw new Error(`${PDFTOTEXT} is missing: install poppler-utils (CI must not skip the PDF checks)`);
        return;
      }
      const expected = await expectedIds(c.where, c.order);
      expect(expected.length).toBeGreaterThan(40);
      const { bytes } = await exportView(format, c.query);
      expect(await idsIn(format, bytes)).toEqual(expected);
    });
  });

  it('CSV: UTF-8 BOM, CRLF, a header naming the zone, and quotes/newlines/commas/emoji/RTL that round-trip', async () => {
    const { bytes, contentType } = await exportView('csv', 'from=2026-11-01T00:00:00Z&type=probe_quoting');
    expect(contentType).toBe('text/csv; charset=utf-8');
    const [head, row, ...rest] = csvRows(bytes);
    expect(rest).toEqual([]);
    expect(head).toEqual([
      'Time (ISO 8601 with Europe/Berlin offset)',
      'Time (Europe/Berlin)',
      'User',
      'Actor type',
      'IP',
      'Action',
      'Object type',
      'Object id',
      'Object label',
      'Message',
      'Changes',
      'Result',
      'Error',
      'Source',
      'Request id',
      'Event id',
      'Chain seq',
      'Previous hash',
      'Entry hash (SHA-256)',
    ]);
    const cell = (name: string) => row![head!.indexOf(name)];
    expect(cell('Message')).toBe(QUOTING.message);
    expect(cell('Object label')).toBe(QUOTING.objectLabel);
    expect(cell('Object id')).toBe(QUOTING.objectId);
    expect(cell('Changes')).toBe('note: "old \\"x\\"" -> "new, 😀"');
    expect(cell('Time (ISO 8601 with Europe/Berlin offset)')).toBe('2026-11-21T12:00:00.000+01:00');
    expect(cell('Time (Europe/Berlin)')).toBe('2026-11-21 12:00:00');
  });

  it('CSV: the COPY path on a PostgreSQL server writes byte for byte what the row path writes', async () => {
    // The probes (quoting, formula payloads, changes) and 1,500 generated events, in two sorts, over many batches.
    for (const query of ['from=2026-11-01T00:00:00Z', 'from=2026-11-01T00:00:00Z&sort=actor.asc', 'from=2026-11-01T00:00:00Z&sort=object.desc&q=a']) {
      const { state } = readViewState(new URLSearchParams(query), ZONE);
      const filters = resolveQueryFilters(state.filters, NOW, ZONE);
      const opts = { orgId, filters, sort: state.sort, batchSize: 40 };
      const copy = createCsvCopyReader(ctx.db, { ...opts, zone: ZONE });
      // On the server the fast path must really be taken; PGlite has only the row path.
      expect(copy !== null).toBe(ctx.handle.kind === 'postgres');
      const fast: Buffer[] = [];
      for (let b = await copy?.next(); b; b = await copy!.next()) fast.push(b.bytes);
      const plain: Uint8Array[] = [];
      const writer = createCsvWriter({ zone: ZONE } as ExportHeader, (chunk) => plain.push(chunk));
      const rows = createBatchReader(ctx.db, opts);
      for (let b = await rows.next(); b; b = await rows.next()) writer.write(b);
      const plainBytes = Buffer.concat(plain);
      expect(plainBytes.toString('utf8').split('\r\n').length).toBeGreaterThan(100);
      if (copy) expect(Buffer.concat(fast).equals(plainBytes), query).toBe(true);
    }
  });

  it('CSV and Excel neutralise formula payloads in every text cell', async () => {
    const query = 'from=2026-11-01T00:00:00Z&type=probe_injection';
    const [head, csv] = csvRows((await exportView('csv', query)).bytes);
    const [xhead, xlsx] = await xlsxRows((await exportView('xlsx', query)).bytes);
    const payloads: [string, string][] = [
      ['User', INJECTION.actorLabel],
      ['Object label', INJECTION.objectLabel],
      ['Message', INJECTION.message],
      ['Object id', INJECTION.objectId],
      ['Error', INJECTION.errorMessage],
      ['Request id', INJECTION.requestId],
    ];
    for (const [column, payload] of payloads) {
      expect(csv![head!.indexOf(column)], `CSV ${column}`).toBe(`'${payload}`);
      // XML text normalises a bare CR to LF; the guard quote in front is what matters.
      expect(xlsx![(xhead as string[]).indexOf(column)], `Excel ${column}`).toBe(`'${payload.replace(/\r/g, '\n')}`);
    }
    // Nothing became a formula cell in the workbook.
    expect(xlsx!.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
  });

  it('Excel: frozen header, widths, real dates in the viewer zone, and a "Filters Applied" sheet', async () => {
    const query = 'from=2026-11-14T12:00:00Z&to=2026-11-21T12:00:00Z&action=update';
    const expected = await expectedIds(combos[0]!.where, combos[0]!.order);
    const { bytes, filename } = await exportView('xlsx', query);
    expect(filename).toBe('audit-log_acme_2026-11-14T12-00Z_2026-11-21T12-00Z.xlsx');
    const book = await xlsxBook(bytes);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Audit events', 'Filters Applied']);
    const sheet = book.getWorksheet('Audit events')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(2).value).toBe('Time (Europe/Berlin)');
    expect(sheet.getRow(1).font?.bold ?? sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.getColumn(10).width).toBe(50);
    const first = sheet.getRow(2);
    const [event] = rowsOf<{ occurred_at: string }>(await ctx.db.execute(sql`select occurred_at::text from audit_events where id = ${expected[0]!}::uuid`));
    const instant = new Date(event!.occurred_at.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
    const local = first.getCell(2).value as Date;
    expect(local).toBeInstanceOf(Date);
    // Excel has no zones: the cell holds Berlin's wall-clock time.
    expect(local.toISOString().slice(0, 19).replace('T', ' ')).toBe(formatInZone(instant, ZONE));
    expect(first.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');

    const filters = book.getWorksheet('Filters Applied')!;
    const facts = new Map<string, unknown[]>();
    let label = '';
    filters.eachRow((row) => {
      label = String(row.getCell(1).value ?? '') || label;
      facts.set(label, [...(facts.get(label) ?? []), row.getCell(2).value]);
    });
    expect(facts.get('Report')).toEqual(['Audit log export']);
    expect(facts.get('Organization')).toEqual(['Acme Corp (acme)']);
    expect(facts.get('Date range')).toEqual(['2026-11-14 13:00:00 to 2026-11-21 13:00:00 (Europe/Berlin)']);
    expect(facts.get('Filters')).toEqual(['Time: from 2026-11-14 13:00:00 to 2026-11-21 13:00:00 (Europe/Berlin)', 'Action is update']);
    expect(facts.get('Sort')).toEqual(['Newest first']);
    expect(facts.get('Generated by')).toEqual(['alice@acme.test']);
    expect(String(facts.get('Generated at')?.[0])).toContain('2026-11-21 13:00:00');
    expect(facts.get('Rows')).toEqual([expected.length]);
  });

  it('PDF: readable text with organization, range, filters, page numbers and who generated it', async () => {
    if (!existsSync(PDFTOTEXT)) {
      if (CI) throw new Error(`${PDFTOTEXT} is missing: install poppler-utils (CI must not skip the PDF checks)`);
      return;
    }
    const { bytes, contentType, filename } = await exportView('pdf', 'from=2026-11-14T12:00:00Z&to=2026-11-21T12:00:00Z&action=update&tz=utc');
    expect(contentType).toBe('application/pdf');
    expect(filename).toBe('audit-log_acme_2026-11-14T12-00Z_2026-11-21T12-00Z.pdf');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(bytes).replace(/\s+/g, ' ');
    expect(text).toContain('Audit log export: Acme Corp');
    expect(text).toContain('Organization: Acme Corp (acme)');
    expect(text).toContain('Date range: 2026-11-14 12:00:00 to 2026-11-21 12:00:00 (UTC)');
    expect(text).toContain('Action is update');
    expect(text).toContain('Times in: UTC');
    expect(text).toMatch(/Page 1 of (\d+)/);
    const pages = Number(/Page 1 of (\d+)/.exec(text)![1]);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain('Generated by alice@acme.test');
  });

  it('PDF: quotes, accents, emoji and right-to-left text come out as text', async () => {
    if (!existsSync(PDFTOTEXT)) {
      if (CI) throw new Error(`${PDFTOTEXT} is missing: install poppler-utils (CI must not skip the PDF checks)`);
      return;
    }
    const text = pdfText((await exportView('pdf', 'from=2026-11-01T00:00:00Z&type=probe_quoting')).bytes).replace(/\s+/g, ' ');
    expect(text).toContain('He said "hi", then left');
    expect(text).toContain('naïve');
    expect(text).toContain('😀');
    expect(text).toMatch(/שלום|םולש/);
  });

  it('JSON Lines: one object per event with every field, round-tripping text exactly', async () => {
    const { bytes } = await exportView('jsonl', 'from=2026-11-01T00:00:00Z&type=probe_quoting');
    const lines = bytes.toString('utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: 'audit-log-export-proof' }); // the proof trailer
    expect(lines[2]).toBe('');
    const event = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(event).sort()).toEqual(
      [
        'action',
        'actor',
        'after',
        'before',
        'changed_fields',
        'changes',
        'error_message',
        'id',
        'ip',
        'message',
        'metadata',
        'module',
        'object',
        'occurred_at',
        'org_id',
        'project',
        'received_at',
        'request_id',
        'result',
        'source',
        'user_agent',
        'seq',
        'prev_hash',
        'hash',
      ].sort(),
    );
    expect(event.message).toBe(QUOTING.message);
    expect(event.object).toEqual({ type: 'probe_quoting', id: QUOTING.objectId, label: QUOTING.objectLabel });
    expect(event.after).toEqual({ note: 'new, 😀' });
  });
});
