/**
 * One benchmark run in its own process (so memory figures are not polluted by earlier runs):
 * `tsx bench/scenario.ts '<json>'` prints `RESULT {json}`. Started by bench/run.ts.
 */
import { createWriteStream } from 'node:fs';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { readViewState } from '@/lib/view/view-state';
import { createExportStream } from '@/lib/exports/export-stream';
import type { ExportFormat } from '@/lib/exports/formats';
import { startMemorySampler } from './lib/measure';

export type ScenarioArgs = {
  kind: 'raw-copy' | ExportFormat;
  url: string;
  orgId: string;
  user: { id: string; email: string };
  from: string;
  to: string;
  now: string;
  /** Write the file here (for the LibreOffice check); otherwise bytes are only counted. */
  out?: string;
  pdfCap?: number;
  /** Rows per keyset batch (default: the product's EXPORT_BATCH_SIZE). */
  batchSize?: number;
};

export type ScenarioResult = {
  /** Wall time of the export, without the forced full collections that measure live memory (forcedGcMs). */
  ms: number;
  forcedGcMs: number;
  firstByteMs: number;
  bytes: number;
  rows: number;
  batches: number;
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  loopMaxMs: number;
  /** CPU time of this process during the run (all its threads: main, GC helpers, libuv). */
  cpuMs: number;
  /** Live memory (heap + buffers after a full GC) at the last sampled batch minus at batch 5: ~0 means flat. */
  retainedGrowthMb: number | null;
};

const gc = (globalThis as { gc?: () => void }).gc;
/** Time spent in the forced collections below: measurement overhead, taken out of the run's time. */
let forcedGcMs = 0;
/** Live bytes after a full collection (needs --expose-gc; the bench passes it). */
function liveBytes(): number {
  const started = performance.now();
  gc?.();
  const m = process.memoryUsage();
  forcedGcMs += performance.now() - started;
  return m.heapUsed + m.external + m.arrayBuffers;
}

// The same columns the CSV export shows, in the same order, straight out of PostgreSQL (the time once: the
// export's second time column is the same instant in another format), including the integrity set.
const RAW_COLUMNS =
  'occurred_at, actor_label, actor_type, ip, action, object_type, object_id, object_label, message, changes, result, error_message, source, request_id, id, seq, prev_hash, hash';

async function rawCopy(a: ScenarioArgs, onChunk: (n: number) => void, onEnd: () => void): Promise<void> {
  const sql = postgres(a.url, { max: 1, onnotice: () => {} });
  try {
    const query = `copy (select ${RAW_COLUMNS} from audit_events where org_id = '${a.orgId}' and occurred_at >= '${a.from}' and occurred_at < '${a.to}' order by occurred_at desc, id desc) to stdout with (format csv, header)`;
    const readable = await sql.unsafe(query).readable();
    for await (const chunk of readable as AsyncIterable<Buffer>) onChunk(chunk.length);
    onEnd();
    // postgres.js can leave the socket paused after a COPY (see db/queries/postgres-js.ts, resumeSocket).
    (readable as { _read?: (n: number) => void })._read?.(0);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function productExport(
  a: ScenarioArgs,
  onChunk: (n: number) => void,
  onEnd: () => void,
): Promise<{ rows: number; batches: number; retainedGrowthMb: number | null }> {
  const handle = await openDatabase({ url: a.url });
  const file = a.out ? createWriteStream(a.out) : null;
  let rows = 0;
  let batches = 0;
  let first: number | null = null;
  let last: number | null = null;
  try {
    const { state } = readViewState(new URLSearchParams({ from: a.from, to: a.to }), 'Europe/Berlin');
    const { stream } = createExportStream(handle.db, {
      orgId: a.orgId,
      orgSlug: 'acme',
      orgName: 'Acme Corp',
      user: a.user,
      zone: 'Europe/Berlin',
      state,
      format: a.kind as ExportFormat,
      now: new Date(a.now),
      pdfCap: a.pdfCap,
      batchSize: a.batchSize,
      onBatch: (b) => {
        rows += b.rows;
        batches = b.index;
        // A few forced collections (batch 5, then every 25th) tell live memory from garbage not yet collected.
        if (b.index === 5 || (b.index > 5 && b.index % 25 === 0)) {
          last = liveBytes();
          first ??= last;
        }
      },
    });
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk(value.byteLength);
      if (file && !file.write(value)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
    }
    onEnd();
    const growth = first !== null && last !== null && last !== first ? Math.round(((last - first) / 1_048_576) * 10) / 10 : null;
    return { rows, batches, retainedGrowthMb: growth };
  } finally {
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
    await handle.close();
  }
}

async function main() {
  const args = JSON.parse(process.argv[2]!) as ScenarioArgs;
  let bytes = 0;
  let firstByteMs = -1;
  // Connections and imports are warm before the clock starts: the baseline is the idle process.
  await import('exceljs');
  await import('@react-pdf/renderer');
  const sampler = startMemorySampler();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const onChunk = (n: number) => {
    if (firstByteMs < 0) firstByteMs = performance.now() - started;
    bytes += n;
  };
  // The clock stops at the last byte (closing connections afterwards is not part of either run).
  let endedAt = 0;
  const onEnd = () => {
    endedAt ||= performance.now();
  };
  let counts: { rows: number; batches: number; retainedGrowthMb: number | null } = { rows: -1, batches: 0, retainedGrowthMb: null };
  if (args.kind === 'raw-copy') await rawCopy(args, onChunk, onEnd);
  else counts = await productExport(args, onChunk, onEnd);
  const ms = (endedAt || performance.now()) - started - forcedGcMs;
  const cpu = process.cpuUsage(cpuBefore);
  const memory = sampler.stop();
  const result: ScenarioResult = {
    ms: Math.round(ms),
    forcedGcMs: Math.round(forcedGcMs),
    firstByteMs: Math.round(firstByteMs),
    bytes,
    ...counts,
    ...memory,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

await main();
