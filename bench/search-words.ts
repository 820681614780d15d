/**
 * `npx tsx bench/search-words.ts [--db server|embedded] [--rows 5000] [--rounds 9]`: what the word split costs per row,
 * drizzle/0017's definition against today's (drizzle/0020), in the same run on the same rows.
 *
 * Rows: demo events written through the product's write path (the generator the main bench uses), copied into a plain
 * table. Measured, interleaved round by round (medians, µs per row):
 * - the document alone: audit_search_document(...) and 0017's, against the haystack alone (the yardstick);
 * - inserting 1,000 rows into a copy of the table holding only the word index (GIN (org_id, document)), 0017's or
 *   today's, against the same insert into a copy without it (the yardstick); each copy is pre-filled with the rows.
 * On the server a fresh database is created and dropped; the embedded database is PGlite in memory.
 * `--ingest N` instead writes N demo events through the product's write path into a fresh database twice, once with
 * 0017's split restored and once with today's, and prints events/s for each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { DbHandle } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { organizations } from '@/db/schema';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { generateDemoEvents } from '@/lib/seed/demo';
import { createBenchDatabase } from './lib/bench-db';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'server' },
    rows: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '9' },
    ingest: { type: 'string', default: '0' },
  },
});
const ROWS = Number(args.rows);
const ROUNDS = Number(args.rounds);
const BATCH = 1000;
const COLUMNS = 'message, actor_label, object_label, object_id, metadata';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function timed(handle: DbHandle, statement: string): Promise<number> {
  const started = performance.now();
  await handle.db.execute(sql.raw(statement));
  return performance.now() - started;
}

/** A fresh database, with 0017's split in place of today's when asked, and `count` demo events written into it. */
async function ingestRate(count: number, definition: '0017' | '0020'): Promise<number> {
  const server = args.db === 'server' ? await createBenchDatabase(`words_ingest_${process.pid}`) : null;
  const handle = await openMigratedDatabase(server ? { url: server.url } : { pgliteDir: 'memory://' });
  try {
    if (definition === '0017') {
      const migration = fs.readFileSync(path.join(process.cwd(), 'drizzle/0017_free_text_word_index.sql'), 'utf8');
      const split = migration.split('--> statement-breakpoint').find((s) => s.includes('FUNCTION audit_search_words('));
      await handle.db.execute(sql.raw(split!));
    }
    const [org] = await handle.db.insert(organizations).values({ slug: 'acme', name: 'Acme Corp', retentionDays: 3650 }).returning();
    const people = Array.from({ length: 40 }, (_, i) => ({ email: `user${i + 1}@acme.test`, id: null, role: 'admin' as const }));
    const started = performance.now();
    await generateDemoEvents(handle.db, { orgId: org!.id, slug: 'acme', userIds: {}, people, count, days: 730, seed: 2026 });
    return count / ((performance.now() - started) / 1000);
  } finally {
    await handle.close();
    await server?.drop();
  }
}

async function main() {
  const ingest = Number(args.ingest);
  if (ingest > 0) {
    for (const definition of ['0017', '0020', '0017', '0020'] as const)
      console.log(
        `${args.db}: ${ingest} demo events with the ${definition} split: ${Math.round(await ingestRate(ingest, definition))} events/s (load average ${os.loadavg()[0]!.toFixed(1)})`,
      );
    return;
  }
  const server = args.db === 'server' ? await createBenchDatabase(`words_bench_${process.pid}`) : null;
  const handle = await openMigratedDatabase(server ? { url: server.url } : { pgliteDir: 'memory://' });
  try {
    const fixture = fs.readFileSync(path.join(process.cwd(), 'tests/fixtures/search-words-0017.sql'), 'utf8');
    for (const statement of fixture.split('--> statement-breakpoint')) await handle.db.execute(sql.raw(statement));

    const [org] = await handle.db.insert(organizations).values({ slug: 'acme', name: 'Acme Corp', retentionDays: 3650 }).returning();
    const people = Array.from({ length: 40 }, (_, i) => ({ email: `user${i + 1}@acme.test`, id: null, role: 'admin' as const }));
    await generateDemoEvents(handle.db, { orgId: org!.id, slug: 'acme', userIds: {}, people, count: ROWS + BATCH * ROUNDS, days: 730, seed: 7 });
    await handle.db.execute(sql.raw(`create table words_src as select row_number() over () as n, org_id, ${COLUMNS} from audit_events`));
    const [shape] = rowsOf<{ rows: number; bytes: number; ascii: number }>(
      await handle.db.execute(
        sql.raw(`select count(*)::int as rows, avg(octet_length(audit_search_haystack(${COLUMNS})))::int as bytes,
                 (100.0 * count(*) filter (where audit_search_haystack(${COLUMNS}) ~ '^[ -~…]*$') / count(*))::int as ascii from words_src`),
      ),
    );
    console.log(`${args.db}: ${shape!.rows} demo rows, haystack ${shape!.bytes} bytes on average, ${shape!.ascii}% printable ASCII`);

    // The document alone, over the first ROWS rows.
    const documents = {
      'haystack alone (yardstick)': `select count(audit_search_haystack(${COLUMNS})) from words_src where n <= ${ROWS}`,
      'document, 0017': `select count(audit_search_document_0017(${COLUMNS})) from words_src where n <= ${ROWS}`,
      'document, 0020': `select count(audit_search_document(${COLUMNS})) from words_src where n <= ${ROWS}`,
    };
    const docTimes = Object.fromEntries(Object.keys(documents).map((k) => [k, [] as number[]]));
    for (let r = 0; r < ROUNDS; r++) for (const [k, q] of Object.entries(documents)) docTimes[k]!.push(await timed(handle, q));
    const docUs = Object.fromEntries(Object.entries(docTimes).map(([k, t]) => [k, (median(t) * 1000) / ROWS]));

    // Inserting into copies of the table: no index, 0017's word index, today's word index.
    const tables = { words_none: null, words_0017: 'audit_search_document_0017', words_0020: 'audit_search_document' } as const;
    for (const [table, fn] of Object.entries(tables)) {
      await handle.db.execute(
        sql.raw(
          `create table ${table} (org_id uuid not null, message text not null, actor_label text not null, object_label text, object_id text, metadata jsonb not null)`,
        ),
      );
      if (fn) await handle.db.execute(sql.raw(`create index on ${table} using gin (org_id, ${fn}(${COLUMNS}))`));
      await handle.db.execute(sql.raw(`insert into ${table} select org_id, ${COLUMNS} from words_src where n <= ${ROWS}`));
    }
    const insTimes = Object.fromEntries(Object.keys(tables).map((k) => [k, [] as number[]]));
    for (let r = 0; r < ROUNDS; r++) {
      const from = ROWS + r * BATCH;
      for (const table of Object.keys(tables))
        insTimes[table]!.push(await timed(handle, `insert into ${table} select org_id, ${COLUMNS} from words_src where n > ${from} and n <= ${from + BATCH}`));
    }
    const insMs = Object.fromEntries(Object.entries(insTimes).map(([k, t]) => [k, median(t)]));

    // Building the word index over every row (what closing a partition and drizzle/0017 pay), against a btree
    // on (org_id) over the same rows.
    const builds = {
      'btree (org_id) (yardstick)': 'btree (org_id)',
      'word index, 0017': `gin (org_id, audit_search_document_0017(${COLUMNS}))`,
      'word index, 0020': `gin (org_id, audit_search_document(${COLUMNS}))`,
    };
    const buildTimes = Object.fromEntries(Object.keys(builds).map((k) => [k, [] as number[]]));
    for (let r = 0; r < 3; r++)
      for (const [k, using] of Object.entries(builds)) {
        buildTimes[k]!.push(await timed(handle, `create index words_build on words_none using ${using}`));
        await handle.db.execute(sql.raw('drop index words_build'));
      }
    const [{ built } = { built: 1 }] = rowsOf<{ built: number }>(await handle.db.execute(sql.raw('select count(*)::int as built from words_none')));

    const us = (x: number) => `${x.toFixed(1)} µs`;
    console.log(`\n| ${args.db} | per row |\n|---|---:|`);
    for (const [k, v] of Object.entries(docUs)) console.log(`| ${k} | ${us(v)} |`);
    console.log(
      `| document cost over the yardstick, 0017 → 0020 | ${us(docUs['document, 0017']! - docUs['haystack alone (yardstick)']!)} → ${us(docUs['document, 0020']! - docUs['haystack alone (yardstick)']!)} |`,
    );
    console.log(`| insert of ${BATCH} rows, no word index (yardstick) | ${insMs.words_none!.toFixed(1)} ms |`);
    console.log(`| insert of ${BATCH} rows, word index 0017 / 0020 | ${insMs.words_0017!.toFixed(1)} / ${insMs.words_0020!.toFixed(1)} ms |`);
    console.log(`| word index cost per row, 0017 → 0020 | ${us(insMs.words_0017! - insMs.words_none!)} → ${us(insMs.words_0020! - insMs.words_none!)} |`);
    for (const [k, t] of Object.entries(buildTimes)) console.log(`| build over ${built} rows: ${k} | ${us((median(t) * 1000) / built)} |`);
    console.log(
      `(medians of ${ROUNDS} interleaved rounds; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
  } finally {
    await handle.close();
    await server?.drop();
  }
}

await main();
