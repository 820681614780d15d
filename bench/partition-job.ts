/**
 * `npx tsx bench/partition-job.ts --url <database> [--at <ISO time>] [--day YYYY-MM-DD]`: runs the partition job
 * (lib/lifecycle/partition-close.ts) once as if the clock read `--at` (default now) and prints what it did and how
 * long it took; with `--day`, first runs that day's compaction step by step (drizzle/0019: copy, foreign keys, swap),
 * each timed, so the swap's share (the only step writers wait for) shows.
 */
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '@/db/client';
import { compactStep, type CompactStep } from '@/db/queries/audit-event-partitions';
import * as schema from '@/db/schema';
import { runPartitionJob } from '@/lib/lifecycle/partition-close';

const { values: args } = parseArgs({ options: { url: { type: 'string' }, at: { type: 'string' }, day: { type: 'string' } } });
if (!args.url) throw new Error('--url is required');
const client = postgres(args.url, { max: 2, onnotice: () => {} });
const db = drizzle(client, { schema }) as unknown as Db;
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

if (args.day) {
  for (const step of ['copy', 'add-keys', 'validate-keys', 'swap'] as CompactStep[]) {
    const t = performance.now();
    const result = await compactStep(db, step, args.day);
    console.log(`compact ${args.day} ${step}: ${result ?? 'null'} in ${ms(t)}`);
  }
}
const t = performance.now();
const result = await runPartitionJob(db, args.at ? new Date(args.at) : new Date());
console.log(`partition job: ${JSON.stringify(result)} in ${ms(t)}`);
await client.end();
