/**
 * `npx tsx bench/append-open.ts --url <database> [--org acme] [--events 12000] [--minutes 30] [--end <ISO time>]`:
 * appends one organization's events through the product's write path (recordAuditEvents: hash-chained, 500 per
 * call), their occurred_at spread evenly over the `--minutes` before `--end` (default now). The measurements of the
 * open partition (bench/RESULTS.md) fill it with a day of one organization's rows this way, then run the query group.
 * Rows look like the loader's (accounts, ingress routes, request metadata), none holding the rare search term.
 */
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '@/db/client';
import * as schema from '@/db/schema';
import { uuidv7 } from '@/lib/ids';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    org: { type: 'string', default: 'acme' },
    events: { type: 'string', default: '12000' },
    minutes: { type: 'string', default: '30' },
    end: { type: 'string' },
  },
});
if (!args.url) throw new Error('--url is required');
const client = postgres(args.url, { max: 1, onnotice: () => {} });
const db = drizzle(client, { schema }) as unknown as Db;
const [org] = await client<{ id: string }[]>`select id from organizations where slug = ${args.org}`;
if (!org) throw new Error(`no organization ${args.org}`);
const n = Number(args.events);
const end = args.end ? new Date(args.end).getTime() : Date.now();
const span = Number(args.minutes) * 60_000;
const KINDS = [
  ['account', 'acc', 'Payments account'],
  ['ingress_route', 'ing', 'inventory.acme.example/v1/customer'],
  ['member', 'mem', 'Team member'],
] as const;
const VERBS = [
  ['update', 'Updated', 'PATCH'],
  ['create', 'Created', 'POST'],
  ['delete', 'Deleted', 'DELETE'],
] as const;

const started = performance.now();
for (let i = 0; i < n; i += 500) {
  const batch: AuditEntry[] = Array.from({ length: Math.min(500, n - i) }, (_, j) => {
    const k = i + j;
    const at = new Date(end - span + Math.floor(((k + 1) * span) / (n + 1)));
    const [type, prefix, label] = KINDS[k % KINDS.length]!;
    const [action, verb, method] = VERBS[k % VERBS.length]!;
    const objectId = `${prefix}_${(k * 7919).toString(16).padStart(10, '0').slice(-10)}`;
    return {
      orgId: org.id,
      id: uuidv7(at),
      occurredAt: at,
      actor: { type: 'user', id: `u${k % 40}`, label: `user${String(k % 40).padStart(2, '0')}@${args.org}.test` },
      source: 'web',
      action,
      objectType: type,
      objectId,
      objectLabel: `${label} ${7000 + (k % 900)}`,
      message: `${verb} ${type.replace('_', ' ')} "${label} ${7000 + (k % 900)}"`,
      metadata: { request: { path: `/api/${type}s/${objectId}`, method } },
    };
  });
  await recordAuditEvents(db, batch);
}
console.log(
  `${n} events of ${args.org} over ${args.minutes} min before ${new Date(end).toISOString()} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
await client.end();
