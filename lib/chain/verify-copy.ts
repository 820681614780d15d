import type { Readable } from 'node:stream';
import { getTableColumns } from 'drizzle-orm';
import { bulkDbOf, type DbOrTx } from '@/db/client';
import { isConnectionLoss } from '@/db/connection-loss';
import { chainCopyStatement, isUuidLiteral } from '@/db/queries/chain-entries';
import { auditEvents } from '@/db/schema/audit-events';
import { copyField, splitRows } from '@/lib/format/copy-text';
import { chainRecord, type ChainedFields } from '@/lib/chain/entry-hash';
import { isoTime } from '@/lib/chain/fast/column-text';
import { makeRowHasher, type FastEntry, type FieldKind, type RowColumns } from '@/lib/chain/fast/row-hasher';
import { sha256 } from '@/lib/chain/fast/sha256';
import { canonicalize, jsonTextToJcs } from '@/lib/chain/jcs';

/**
 * The verifier's read path on a PostgreSQL server (postgres.js): `COPY (select …) TO STDOUT` per range of seq
 * numbers, in text format, each row's canonical form written straight from its column text (./fast/row-hasher),
 * and a one-shot SHA-256. No Drizzle row mapping, no JSON.parse and re-serialization of the jsonb columns.
 * PostgreSQL produces the next rows on its own core while Node hashes (the COPY stream is consumed as it
 * arrives). Rows the fast code declines go through `exactRowHasher` below, which reproduces what the Drizzle
 * read returns (postgres.js's own parsers, Drizzle's column mapping) and ./jcs's canonicalize. verify.ts
 * compares the canonical form with the Drizzle read's on the first row of every range and confirms every
 * mismatch through the Drizzle read before reporting it.
 *
 * Invariant tying this path to verify.ts's plain Drizzle walk: for the same rows, it reports the same entries
 * (seq, id, prev_hash, hash, occurred_at) and the same recomputed hashes, so verifyChain's verdict does not
 * depend on the path. Pinned by tests/integration/chain-verify-fast.test.ts (awkward and tampered chains verified
 * every way - COPY on the server with and without hash workers, the Drizzle walk on PGlite - with the same
 * result) and, row by row, by tests/unit/chain-verify-fast.test.ts.
 */

/** The postgres.js client behind a Drizzle database or transaction, when that is the driver. */
type CopyConnection = { unsafe(query: string): PromiseLike<unknown> & { readable(): Promise<Readable> } };
type PgClient = CopyConnection & {
  /** Present on a pool (not inside a transaction): a connection of its own for each COPY. */
  reserve?(): Promise<CopyConnection & { release(): void }>;
  options: {
    parsers: Record<number, ((raw: string) => unknown) & { array?: boolean }>;
    transform?: { column?: { from?: unknown }; value?: { from?: unknown }; row?: { from?: unknown } };
  };
};

const TEXT_ARRAY_OID = 1009;

function clientOf(tx: DbOrTx): Partial<PgClient> | undefined {
  return (tx as unknown as { session?: { client?: unknown } }).session?.client as Partial<PgClient> | undefined;
}

function copyClientOf(tx: DbOrTx): PgClient | null {
  const client = clientOf(tx);
  if (!client || typeof client.unsafe !== 'function' || !client.options?.parsers) return null;
  const t = client.options.transform;
  // Value transforms would change what Drizzle receives; the COPY read goes around them, so it steps aside.
  if (t && (t.column?.from || t.value?.from || t.row?.from)) return null;
  // The text[] parser postgres.js registers when it connects, the one the Drizzle read uses.
  if (typeof client.options.parsers[TEXT_ARRAY_OID] !== 'function') return null;
  return client as PgClient;
}

export type Field = { key: string; kind: FieldKind };

/**
 * The chain record's keys in canonical (sorted) order; chainRecord names each member after its column.
 * Null when that no longer holds (the COPY read then stays off).
 */
function recordLayout(): Field[] | null {
  const columns = Object.values(getTableColumns(auditEvents));
  const probe = Object.fromEntries(Object.keys(getTableColumns(auditEvents)).map((k) => [k, null])) as unknown as ChainedFields;
  probe.occurredAt = new Date(0);
  const fields: Field[] = [];
  for (const key of Object.keys(chainRecord(probe)).sort()) {
    const col = columns.find((c) => c.name === key);
    if (!col) return null;
    const type = col.getSQLType();
    if (type === 'json' || (type.endsWith('[]') && type !== 'text[]')) return null;
    fields.push({
      key,
      kind: type === 'jsonb' ? 'jsonb' : type === 'text[]' ? 'textArray' : type === 'bigint' ? 'number' : type.startsWith('timestamp') ? 'timestamp' : 'text',
    });
  }
  return fields;
}

let layout: Field[] | null | undefined;
function chainLayout(): Field[] | null {
  if (layout === undefined) layout = recordLayout();
  return layout;
}

/** Everything needed to hash COPY rows of this layout, for the main thread and the workers alike. */
export type RowPlan = { kinds: FieldKind[]; prefixes: string[]; at: RowColumns; statement(orgId: string, afterSeq: number, throughSeq: number): string };

function rowPlan(fields: Field[]): RowPlan {
  const columns = fields.map((f) => f.key);
  const idx = (k: string) => fields.findIndex((f) => f.key === k);
  return {
    kinds: fields.map((f) => f.kind),
    prefixes: fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.key)}:`),
    at: { seq: idx('seq'), id: idx('id'), prevHash: idx('prev_hash'), occurredAt: idx('occurred_at'), hash: fields.length },
    statement: (orgId, afterSeq, throughSeq) => chainCopyStatement(columns, orgId, afterSeq, throughSeq),
  };
}

/** One running COPY: its rows, and close() to call once it has ended or failed (with the failure). */
export type CopyRange = { stream: Readable; close(failure?: unknown): void };

/** A COPY reader for this database handle and organization, or null when the COPY read cannot serve them. */
export type CopyReader = {
  plan: RowPlan;
  /** One row's entry: the fast code, or the exact path for the rows it leaves. */
  row(line: string, withCanonical: boolean): FastEntry;
  /** Starts `COPY … TO STDOUT` for afterSeq < seq <= throughSeq. */
  open(afterSeq: number, throughSeq: number): Promise<CopyRange>;
};

/**
 * Where each COPY runs. Inside a transaction: on its connection (nobody else's). On a pool: on a connection
 * reserved from the long-work pool for that one COPY (postgres.js would otherwise queue page queries onto the
 * connection that is streaming, and they fail with COPY_IN_PROGRESS), handed back once the COPY has ended -
 * unless the connection was lost (a dead connection handed back would be given to the next query).
 */
function copyOpener(tx: DbOrTx, client: PgClient) {
  const bulk = clientOf(bulkDbOf(tx));
  const pool = typeof client.reserve !== 'function' ? null : typeof bulk?.reserve === 'function' ? bulk : client;
  return async (statement: string): Promise<CopyRange> => {
    if (!pool?.reserve) {
      const stream = await client.unsafe(statement).readable();
      return { stream, close: () => releaseCopy(stream) };
    }
    const conn = await pool.reserve();
    let stream: Readable;
    try {
      stream = await conn.unsafe(statement).readable();
    } catch (error) {
      if (!isConnectionLoss(error)) conn.release();
      throw error;
    }
    return {
      stream,
      close(failure) {
        releaseCopy(stream);
        if (!isConnectionLoss(failure)) conn.release();
      },
    };
  };
}

export function copyReader(tx: DbOrTx, orgId: string): CopyReader | null {
  const client = copyClientOf(tx);
  const fields = chainLayout();
  if (!client || !fields || !isUuidLiteral(orgId)) return null;
  const plan = rowPlan(fields);
  const fast = makeRowHasher(plan.kinds, plan.prefixes, plan.at, sha256);
  const exact = exactRowHasher(plan, client.options.parsers[TEXT_ARRAY_OID]!);
  const open = copyOpener(tx, client);
  return {
    plan,
    row: (line, withCanonical) => fast(line, withCanonical) ?? exact(line, withCanonical),
    open: (afterSeq, throughSeq) => open(plan.statement(orgId, afterSeq, throughSeq)),
  };
}

/**
 * After a COPY: postgres.js 3.4 can leave the connection's socket paused when a CopyData message filled the
 * stream's buffer just before CopyDone (porsager/postgres#499, PR #1016), and the next query on that
 * connection would hang. The stream's read() implementation only resumes the socket: harmless when it is not
 * paused.
 */
export function releaseCopy(stream: Readable) {
  (stream as unknown as { _read?: () => void })._read?.();
}

/**
 * Reads afterSeq < seq <= throughSeq on this thread, handing each entry to `visit` in seq order as it arrives.
 * `visit` returns false to stop: the rest of the range is then read and dropped (stopping a COPY midway would
 * fail the surrounding transaction). Returns the range's first entry, with its canonical form.
 */
export async function scanByCopy(reader: CopyReader, afterSeq: number, throughSeq: number, visit: (e: FastEntry) => boolean): Promise<FastEntry | undefined> {
  let stopped = false;
  let error: unknown = null;
  let first: FastEntry | undefined;
  const range = await reader.open(afterSeq, throughSeq);
  const stream = range.stream;
  let failure: unknown;
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on(
        'data',
        splitRows((line) => {
          if (stopped) return;
          try {
            const e = reader.row(line, first === undefined);
            first ??= e;
            if (!visit(e)) stopped = true;
          } catch (e) {
            // Drain the rest of the COPY first: the connection is busy until it ends.
            error ??= e;
            stopped = true;
          }
        }),
      );
      stream.once('end', () => (error ? reject(error) : resolve()));
      stream.once('error', reject);
    });
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    range.close(failure);
  }
  return first;
}

/**
 * The exact path: the row as the Drizzle read would return it (postgres.js's parsers, then Drizzle's column
 * mapping), canonicalized by ./jcs - only the jsonb text goes through jsonTextToJcs first when it can.
 */
function exactRowHasher(plan: RowPlan, arrayParser: ((raw: string) => unknown) & { array?: boolean }) {
  // postgres.js hands an array parser the text after its opening brace.
  const parseArray = arrayParser.array === true ? (text: string) => arrayParser(text.slice(1)) : arrayParser;
  return (line: string, withCanonical: boolean): FastEntry => {
    const cols = line.split('\t');
    if (cols.length !== plan.kinds.length + 1) throw new Error(`COPY row with ${cols.length} columns`);
    let canonical = '';
    for (let i = 0; i < plan.kinds.length; i++) canonical += plan.prefixes[i]! + exactValue(plan.kinds[i]!, copyField(cols[i]!), parseArray);
    canonical += '}';
    const at = copyField(cols[plan.at.occurredAt]!);
    return {
      seq: Number(cols[plan.at.seq]),
      id: cols[plan.at.id]!,
      prevHash: copyField(cols[plan.at.prevHash]!)!,
      hash: copyField(cols[plan.at.hash]!)!,
      occurredAt: at === null ? '' : new Date(at).toISOString(),
      computed: sha256(canonical),
      canonical: withCanonical ? canonical : undefined,
    };
  };
}

function exactValue(kind: FieldKind, text: string | null, parseArray: (raw: string) => unknown): string {
  if (text === null) return 'null';
  switch (kind) {
    case 'text':
      return canonicalize(text);
    case 'number':
      return canonicalize(Number(text)); // Drizzle's bigint({ mode: 'number' })
    case 'timestamp':
      return canonicalize(isoTime(text) ?? new Date(text).toISOString()); // Drizzle: new Date(text); chainRecord: toISOString()
    case 'jsonb': {
      // postgres.js: JSON.parse; Drizzle parses a resulting string once more (and keeps it if that fails).
      if (text.charCodeAt(0) !== 34) {
        const fast = jsonTextToJcs(text);
        if (fast !== null) return fast;
      }
      let v: unknown = JSON.parse(text);
      if (typeof v === 'string') {
        try {
          v = JSON.parse(v);
        } catch {
          // kept as the string
        }
      }
      return canonicalize(v);
    }
    case 'textArray':
      return canonicalize(parseArray(text)); // Drizzle keeps postgres.js's strings
  }
}
