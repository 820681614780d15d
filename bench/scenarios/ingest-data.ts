/**
 * Data for the ingest benchmarks: realistic API events (what other systems send to POST /api/v1/events) and
 * the same events as COPY text rows for the raw-SQL yardstick.
 */
import type { AuditEventRowToInsert } from '@/db/queries/chain-entries';
import { AUDIT_EVENT_COPY_COLUMNS } from '@/db/queries/audit-event-copy';

const PROJECTS = ['payments', 'storefront', 'data-platform', 'internal-tools'] as const;
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'terraform-provider-acme/2.4.1 Go-http-client/1.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15',
];

/** Deterministic hex from a counter (no randomness: two runs send the same bytes). */
const hex = (n: number, len: number) =>
  (Math.imul(n + 1, 2654435761) >>> 0)
    .toString(16)
    .padStart(8, '0')
    .repeat(Math.ceil(len / 8))
    .slice(0, len);

/**
 * Event `i` of a sender: an update of an ingress route by a person, with before/after snapshots where three
 * fields change, an IPv4 (every tenth an IPv6) address, a user agent, a request id and a little metadata.
 * About 1 kB of JSON: a batch of 1000 stays under the 1 MiB body limit, with a per-event idempotency key too.
 */
export function makeApiEvent(i: number, occurredAt: Date, withKey = false): Record<string, unknown> {
  const n = i % 5000;
  const rate = 100 + (i % 7) * 10;
  const before = {
    name: `checkout-route-${n}`,
    path: `/v2/orders/${n}`,
    limits: { rate, burst: 20 },
    rules: [{ port: 443, protocol: 'tcp', allow: ['10.0.0.0/8'] }],
    enabled: true,
    owner: 'team-payments',
  };
  const after = { ...before, limits: { rate: rate + 50, burst: 20 }, rules: [{ ...before.rules[0]!, port: 8443 }], enabled: i % 3 !== 0 };
  const user = i % 250;
  return {
    action: 'update',
    occurred_at: occurredAt.toISOString(),
    actor: { type: 'user', id: `usr_${String(user).padStart(6, '0')}`, label: `user${user}@customer.example` },
    object: { type: 'ingress_route', id: `rt_${n.toString(36)}`, label: `Checkout route ${n}` },
    module: 'Networking',
    project: PROJECTS[i % PROJECTS.length],
    message: `Updated ingress route checkout-route-${n}: rate limit, port and status`,
    // Canonical (PostgreSQL's inet text) forms, so the yardstick can hash the rows without a database round trip.
    ip: i % 10 === 0 ? `2001:db8::${((i % 65535) + 1).toString(16)}:${(user + 1).toString(16)}` : `198.51.100.${(i % 250) + 1}`,
    user_agent: AGENTS[i % AGENTS.length],
    request_id: `req_${hex(i, 20)}`,
    before,
    after,
    metadata: { trace_id: hex(i * 7, 32), region: 'eu-west-1', change_ticket: `CHG-${10_000 + n}` },
    ...(withKey ? { idempotency_key: `evt-${i.toString(36)}` } : {}),
  };
}

/** `count` events numbered from `first`, one millisecond apart, ending just before `end`. */
export function makeApiBatch(first: number, count: number, end: number, withKeys = false): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => makeApiEvent(first + k, new Date(end - (count - k)), withKeys));
}

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
const copyText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return copyText(v);
  if (typeof v === 'number') return String(v);
  return copyText(JSON.stringify(v));
};
const arrayLiteral = (items: string[]) => `{${items.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

/** The column list of the COPY yardstick, in the order copyLine writes them. */
export const COPY_COLUMNS = AUDIT_EVENT_COPY_COLUMNS.join(', ');

/** One stored row (already chained) as a line of COPY text. */
export function copyLine(r: AuditEventRowToInsert, receivedAt: Date): string {
  const cells = [
    r.orgId,
    r.id,
    r.occurredAt,
    receivedAt,
    r.actorType,
    r.actorId,
    r.actorLabel,
    r.source,
    r.ip,
    r.userAgent,
    r.requestId,
    r.action,
    r.objectType,
    r.objectId,
    r.objectLabel,
    r.module,
    r.project,
    r.message,
    r.result,
    r.errorMessage,
    r.before,
    r.after,
    r.changes,
    copyText(arrayLiteral(r.changedFields)),
    r.metadata,
    r.seq,
    r.prevHash,
    r.hash,
  ];
  return `${cells.map((c, i) => (i === 23 ? (c as string) : cell(c))).join('\t')}\n`;
}
