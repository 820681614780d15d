import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ExportTableRow } from '@/lib/exports/columns';
import { changesText } from '@/lib/exports/changes-text';
import { csvField, csvRecord } from '@/lib/exports/csv';
import { exportHref } from '@/lib/exports/export-href';
import { exportFileName } from '@/lib/exports/filename';
import { neutraliseFormula } from '@/lib/exports/formula-guard';
import { authorizeExport } from '@/lib/exports/authorize-export';
import { concurrencyLimit } from '@/lib/exports/pdf-thread';
import { packPages, toPdfRow } from '@/lib/exports/pdf-writer';
import { clip, PDF_MAX_WORD, splitLongWord } from '@/lib/exports/pdf-text';
import { describeWindow, isoInZone, localInZone, wallClockDate } from '@/lib/exports/time';
import { formatInZone } from '@/lib/format/time-zone';
import type { ExportHeader } from '@/lib/exports/writer';
import { createXlsxWriter } from '@/lib/exports/xlsx-writer';

describe('formula injection guard', () => {
  it.each(['=HYPERLINK("http://evil.test","x")', '+1', '-2', '@SUM(A1:A2)', '\tcmd', '\rcalc'])('prefixes %j with a quote', (payload) => {
    expect(neutraliseFormula(payload)).toBe(`'${payload}`);
  });
  it.each(['', 'alice@acme.test', '2026-11-21', 'a=b', ' =x', "'quoted"])('leaves %j alone', (text) => {
    expect(neutraliseFormula(text)).toBe(text);
  });
});

describe('CSV fields (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField('😀 שלום')).toBe('😀 שלום');
  });
  it('guards formulas before quoting, and ends records with CRLF', () => {
    expect(csvField('=1+1,2')).toBe(`"'=1+1,2"`);
    expect(csvField('\rcalc')).toBe(`"'\rcalc"`);
    expect(csvRecord(['a', 'b,c', null])).toBe('a,"b,c",\r\n');
  });
});

describe('times', () => {
  const at = new Date('2026-11-21T10:00:00.123Z');
  it.each([
    ['Europe/Berlin', '2026-11-21T11:00:00.123+01:00'],
    ['America/New_York', '2026-11-21T05:00:00.123-05:00'],
    ['Asia/Kolkata', '2026-11-21T15:30:00.123+05:30'],
    ['UTC', '2026-11-21T10:00:00.123+00:00'],
  ])('ISO 8601 with the offset of %s', (zone, iso) => {
    expect(isoInZone(at, zone)).toBe(iso);
    expect(new Date(iso).getTime()).toBe(at.getTime());
  });
  it('follows daylight saving time', () => {
    expect(isoInZone(new Date('2026-07-01T10:00:00Z'), 'Europe/Berlin')).toBe('2026-07-01T12:00:00.000+02:00');
  });
  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'])(
    'agrees with Intl in %s on every quarter hour around both DST changes',
    (zone) => {
      for (const start of [Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23), Date.UTC(2026, 3, 3)]) {
        for (let t = start; t < start + 4 * 86_400_000; t += 7 * 60_000 + 13_000) {
          expect(localInZone(new Date(t), zone)).toBe(formatInZone(new Date(t), zone));
        }
      }
    },
  );
  it('gives Excel the wall-clock time as the UTC fields of a date', () => {
    expect(wallClockDate(at, 'Europe/Berlin').toISOString()).toBe('2026-11-21T11:00:00.123Z');
  });
  it('describes open windows', () => {
    expect(describeWindow(null, null, at, 'UTC')).toBe('the beginning to 2026-11-21 10:00:00 (export time) (UTC)');
    expect(describeWindow(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-02T00:00:00Z'), at, 'Europe/Berlin')).toBe(
      '2026-11-01 01:00:00 to 2026-11-02 01:00:00 (Europe/Berlin)',
    );
  });
});

describe('file names', () => {
  const now = new Date('2026-11-21T12:34:56Z');
  it('uses colon-free UTC instants', () => {
    expect(exportFileName('acme', { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-08T00:00:00Z') }, now, 'csv')).toBe(
      'audit-log_acme_2026-11-01T00-00Z_2026-11-08T00-00Z.csv',
    );
  });
  it('says beginning for an open start and the export time for an open end', () => {
    expect(exportFileName('globex', { from: null, to: null }, now, 'xlsx')).toBe('audit-log_globex_beginning_2026-11-21T12-34Z.xlsx');
    expect(exportFileName('acme', { from: new Date('2026-11-20T12:34:56Z'), to: null }, now, 'jsonl')).toBe(
      'audit-log_acme_2026-11-20T12-34Z_2026-11-21T12-34Z.jsonl',
    );
  });
});

describe('changes text', () => {
  it('renders every change as field: old -> new, JSON values, (none) when absent', () => {
    expect(
      changesText([
        { path: 'role', before: 'admin', after: 'owner' },
        { path: 'limits.rate', before: 10, after: 20 },
        { path: 'tags', before: null, after: ['a'] },
        { path: 'gone', before: 'x', after: undefined },
      ]),
    ).toBe('role: "admin" -> "owner"\nlimits.rate: 10 -> 20\ntags: null -> ["a"]\ngone: "x" -> (none)');
    expect(changesText(null)).toBe('');
  });
});

describe('export links', () => {
  it('keeps the filters and sort, drops paging, page size, columns and the open event', () => {
    const href = exportHref(
      '?range=7d&action=update&sort=actor.asc&size=100&after=abc&cols=time,actor&event=019a0000-0000-7000-8000-000000000000&tz=utc',
      'csv',
    );
    expect(href).toBe('/audit/export?format=csv&range=7d&action=update&sort=actor.asc&tz=utc');
    expect(exportHref('', 'pdf')).toBe('/audit/export?format=pdf');
    expect(exportHref('?format=pdf&text=a%26b', 'xlsx')).toBe('/audit/export?format=xlsx&text=a%26b');
  });
});

describe('who may export', () => {
  const user = { id: 'u', email: 'e@x.test', name: 'E' };
  const org = (role: 'owner' | 'admin' | 'auditor' | 'member') => ({ orgId: 'o', slug: 'o', name: 'O', timeZone: 'UTC', role });
  it('answers 401 without a session and 403 for members or without an organization', async () => {
    const anon = authorizeExport(null, 'r1');
    expect(anon.ok ? 200 : anon.response.status).toBe(401);
    const member = authorizeExport({ user, sessionId: 's', orgs: [org('member')], org: org('member') }, 'r2');
    expect(member.ok ? 200 : member.response.status).toBe(403);
    if (!member.ok) expect(await member.response.json()).toMatchObject({ error: 'forbidden', request_id: 'r2' });
    const none = authorizeExport({ user, sessionId: 's', orgs: [], org: null }, 'r3');
    expect(none.ok ? 200 : none.response.status).toBe(403);
  });
  it.each(['owner', 'admin', 'auditor'] as const)('lets %s export', (role) => {
    expect(authorizeExport({ user, sessionId: 's', orgs: [org(role)], org: org(role) }, 'r').ok).toBe(true);
  });
});

const header: ExportHeader = {
  reportName: 'Audit log export',
  orgName: 'Acme Corp',
  orgSlug: 'acme',
  zone: 'UTC',
  window: 'the beginning to now (UTC)',
  filters: ['Time: Last 24 hours (UTC)'],
  sort: 'Newest first',
  generatedBy: 'alice@acme.test',
  generatedAt: new Date('2026-11-21T12:00:00Z'),
};
const row = (i: number, extra: Partial<ExportTableRow> = {}): ExportTableRow => ({
  id: `019a0000-0000-7000-8000-${String(i).padStart(12, '0')}`,
  occurredAt: new Date(Date.UTC(2026, 10, 21, 10, 0, i)),
  actorType: 'user',
  actorLabel: 'alice@acme.test',
  source: 'web',
  ip: '203.0.113.7',
  requestId: `req_${i}`,
  action: 'update',
  objectType: 'flow',
  objectId: `flow_${i}`,
  objectLabel: `Flow ${i}`,
  message: `Updated flow ${i}`,
  result: 'success',
  errorMessage: null,
  changes: [{ path: 'enabled', before: false, after: true }],
  seq: i + 1,
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
  ...extra,
});

describe('Excel writer', () => {
  it('continues on "Audit events (2)" when a sheet is full, then writes "Filters Applied" last', async () => {
    const chunks: Uint8Array[] = [];
    const writer = createXlsxWriter(header, (c) => chunks.push(c), { rowsPerSheet: 2 });
    writer.start();
    writer.write([row(1), row(2), row(3)]);
    writer.write([row(4), row(5)]);
    await writer.finish(5);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Audit events', 'Audit events (2)', 'Audit events (3)', 'Filters Applied']);
    expect(book.worksheets.slice(0, 3).map((s) => s.rowCount)).toEqual([3, 3, 2]);
    expect(book.getWorksheet('Audit events (3)')!.getRow(2).getCell(16).value).toBe(row(5).id);
  });
});

describe('PDF text and pages', () => {
  it('keeps words up to 40 characters whole and lets longer tokens break after separators', () => {
    expect(splitLongWord('019a0000-0000-7000-8000-000000000001')).toEqual(['019a0000-0000-7000-8000-000000000001']);
    expect(splitLongWord('organization')).toEqual(['organization']);
    const url = 'https://reports.acme.example/v1/ledger/31/invoices?page=2&size=100';
    const parts = splitLongWord(url);
    expect(parts.join('')).toBe(url);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= PDF_MAX_WORD)).toBe(true);
    expect(splitLongWord('😀'.repeat(50)).join('')).toBe('😀'.repeat(50));
    expect(splitLongWord('x'.repeat(100)).map((p) => p.length)).toEqual([40, 40, 20]);
  });
  it('spaces JSON values in the PDF so long ones can wrap, still valid JSON', () => {
    expect(changesText([{ path: 'rules', before: null, after: [{ cidr: '10.0.0.0/8', port: 443 }] }], { spaced: true })).toBe(
      'rules: null -> [{"cidr": "10.0.0.0/8", "port": 443}]',
    );
    expect(JSON.parse('[{"cidr": "10.0.0.0/8", "port": 443}]')).toEqual([{ cidr: '10.0.0.0/8', port: 443 }]);
  });
  it('clips long cells and says so', () => {
    expect(clip('a\nb\nc\nd', 3, 100)).toBe('a\nb\n… 2 more lines (see CSV or Excel)');
    expect(clip('x'.repeat(20), 5, 10)).toBe(`${'x'.repeat(9)}…`);
  });
  it('packs every row into pages in order, the first page holding fewer', () => {
    const rows = Array.from({ length: 120 }, (_, i) =>
      toPdfRow(row(i, i % 7 === 0 ? { changes: Array.from({ length: 12 }, (_, j) => ({ path: `f${j}`, before: j, after: j + 1 })) } : {}), 'UTC'),
    );
    const pages = packPages(rows);
    expect(pages.flat()).toEqual(rows);
    expect(pages.length).toBeGreaterThan(3);
    expect(pages[0]!.length).toBeLessThan(pages[1]!.length + 5);
  });
  it('fits 18 or more typical rows on a page (13 before the denser layout): a sentence-long message and two changed fields each', () => {
    const rows = Array.from({ length: 200 }, (_, i) =>
      toPdfRow(
        row(i, {
          requestId: `req_${'4f2a8c1d9e0b7a6c'.slice(0, 16)}`,
          message: `Updated ingress route "orders.acme.example/v3/inventory/${i}": limits.rate, tls, upstream`,
          changes: [
            { path: 'limits.rate', before: 500, after: 50 },
            { path: 'tls', before: true, after: false },
          ],
        }),
        'UTC',
      ),
    );
    const pages = packPages(rows);
    expect(pages[1]!.length).toBeGreaterThanOrEqual(18);
    // Nothing an auditor needs to find the event again is dropped.
    expect(rows[0]!.message).toContain(`event ${row(0).id}`);
    expect(rows[0]!.message).toContain('req_4f2a8c1d9e0b7a6c');
    expect(rows[0]!.user).toBe('alice@acme.test\nuser · web · 203.0.113.7');
  });
});

describe('PDF renders in turn', () => {
  it('runs at most two at once, starts the rest in order as slots free, and survives a failed task', async () => {
    const limit = concurrencyLimit(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const runs = gates.map((gate, i) =>
      limit(async () => {
        started.push(i);
        active += 1;
        peak = Math.max(peak, active);
        await gate.promise;
        active -= 1;
        if (i === 1) throw new Error('render failed');
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await expect(runs[1]).rejects.toThrow('render failed');
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.resolve();
    expect(await Promise.all([runs[0], runs[2], runs[3], runs[4]])).toEqual([0, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
