/**
 * Tamper-evidence figures (issue 16): `npx tsx bench/trust.ts [entries] [day] [syntheticLeaves]` against a fresh
 * database on BENCH_DATABASE_URL (a server; default postgres://postgres@127.0.0.1:5432/postgres: a database
 * audit_bench_trust_<pid> is created there and dropped after).
 *
 * 1. `entries` real entries (default 200,000) through the product's append path, a signed checkpoint (the
 *    checkpointer folds them into the Merkle tiles), a stored verification.
 * 2. A day's new entries (`day`, default 30,000: ~11M a year) appended, then: the checkpointer's fold, and the
 *    incremental verification (check-chain: the new entries, every checkpoint's signature and entry hash, the file).
 * 3. Inclusion proof latency (p50/p95 of 300, random events) through GET /api/v1/integrity/proof's handler
 *    (auth, proof, the recorded read) on the real organization, and the bare proof from the tiles on a synthetic
 *    tree of `syntheticLeaves` leaves (default 2^21; 10M needs the same three tile levels).
 * With `checkpointEvery` (default 0: only the two above), the first `entries` get a checkpoint every that many
 * entries as well (a year of hourly checkpoints is 8,760), so the incremental run checks that many.
 *
 * The incremental run is also taken apart, on the same rows: the raw yardstick (a bare COPY of the day's rows'
 * hashed columns to this process, no hashing), the chain walk alone, the checkpoint checks alone, the checkpoints
 * file read alone. Prints the load average with the figures (the machine is shared).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { apiKeys, organizations } from '@/db/schema';
import { saveMerkleState, saveMerkleTiles } from '@/db/queries/chain-merkle';
import { openMigratedDatabase } from '@/lib/boot/migrate';
import { handleProofGet } from '@/lib/api/integrity-proof';
import { generateApiKey } from '@/lib/auth/api-keys';
import { getStoredVerification } from '@/db/queries/chain-verifications';
import { listHashedEntries } from '@/db/queries/chain-entries';
import { checkChain } from '@/lib/chain/check-chain';
import { checkpointFilePath, notesFromFile } from '@/lib/chain/checkpoint-file';
import { getSigningKey } from '@/lib/chain/signing-key';
import { checkCheckpoints } from '@/lib/chain/trust';
import { verifyChain } from '@/lib/chain/verify';
import { getSettings } from '@/lib/settings';
import { createCheckpoint } from '@/lib/chain/checkpoints';
import { CompactRange, hashLeafData, verifyInclusion } from '@/lib/chain/merkle';
import { inclusionProof, rangeAt } from '@/lib/chain/merkle-store';
import { appendLeaves, type Tiles } from '@/lib/chain/merkle-tiles';
import { uuidv7 } from '@/lib/ids';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import { sql } from 'drizzle-orm';

const [entries = 200_000, day = 30_000, synthetic = 2 ** 21, checkpointEvery = 0] = process.argv.slice(2).map(Number);
const admin = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `audit_bench_trust_${process.pid}`;
const root = postgres(admin, { max: 1, onnotice: () => {} });
await root.unsafe(`create database "${name}"`);
const url = new URL(admin);
url.pathname = `/${name}`;
const handle = await openMigratedDatabase({ url: url.toString() });
const db = handle.db;
const ms = (t: number) => Math.round(performance.now() - t);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const out: Record<string, unknown> = { entries, day, synthetic, checkpointEvery };

async function append(orgId: string, n: number, from: number) {
  const step = checkpointEvery > 0 && from === 0 ? Math.min(1000, checkpointEvery) : 1000;
  for (let i = 0; i < n; i += step) {
    const batch: AuditEntry[] = Array.from({ length: Math.min(step, n - i) }, (_, j) => {
      const at = new Date(Date.UTC(2026, 9, 1) + (from + i + j) * 100);
      return {
        orgId,
        id: uuidv7(at),
        occurredAt: at,
        actor: { type: 'user', id: `u${j % 50}`, label: `user${j % 50}@bench.test` },
        source: 'api',
        action: 'update',
        objectType: 'flow',
        objectId: `flow_${(i + j) % 997}`,
        message: `bench event ${from + i + j}`,
        metadata: { n: from + i + j },
      };
    });
    await recordAuditEvents(db, batch);
    if (checkpointEvery > 0 && from === 0 && (i + batch.length) % checkpointEvery === 0) await createCheckpoint(db, orgId);
  }
}

try {
  const [org] = await db.insert(organizations).values({ name: 'Bench', slug: 'bench' }).returning();
  const orgId = org!.id;
  let t = performance.now();
  await append(orgId, entries, 0);
  out.appendMs = ms(t);
  t = performance.now();
  await createCheckpoint(db, orgId);
  out.firstCheckpointMs = ms(t);
  t = performance.now();
  await db.transaction((tx) => checkChain(tx, orgId, { full: true }));
  out.fullVerifyMs = ms(t);

  await append(orgId, day, entries);
  t = performance.now();
  await createCheckpoint(db, orgId);
  out.dayCheckpointMs = ms(t);
  // The parts, on the rows the incremental run will check (before it, so it stores nothing they depend on).
  const stored = await db.transaction((tx) => getStoredVerification(tx, orgId));
  const [fromRow] = await db.transaction((tx) => listHashedEntries(tx, orgId, stored!.seq - 1, stored!.seq, 1));
  const from = { seq: fromRow!.seq, hash: fromRow!.hash, occurredAt: fromRow!.occurredAt.toISOString() };
  const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
  t = performance.now();
  let rawBytes = 0;
  const copy = await raw.unsafe(`copy (select * from audit_events where org_id = '${orgId}' and seq > ${stored!.seq} order by seq) to stdout`).readable();
  for await (const chunk of copy) rawBytes += (chunk as Buffer).length;
  out.dayRawCopyMs = ms(t);
  out.dayRawCopyBytes = rawBytes;
  await raw.end();
  t = performance.now();
  await db.transaction((tx) => verifyChain(tx, orgId, { from }));
  out.dayWalkMs = ms(t);
  t = performance.now();
  const notes = notesFromFile(checkpointFilePath(getSettings().dataDir, orgId));
  out.dayFileReadMs = ms(t);
  out.fileNotes = notes.length;
  // Cold: the first run in this process verifies every signature; warm: a later run (the page, the schedule) remembers them.
  for (const pass of ['Cold', 'Warm']) {
    t = performance.now();
    const trust = await db.transaction((tx) => checkCheckpoints(tx, orgId, { publicKeyPem: getSigningKey().publicKeyPem, notes }));
    out[`dayCheckpointChecks${pass}Ms`] = ms(t);
    out.checkpointsChecked = trust.checked;
  }

  t = performance.now();
  const incremental = await db.transaction((tx) => checkChain(tx, orgId));
  out.dayIncrementalVerifyMs = ms(t);
  out.dayIncremental = { ok: incremental?.ok, count: incremental?.count, incremental: incremental?.incremental, checkpoints: incremental?.checkpoints };

  const key = generateApiKey();
  await db.insert(apiKeys).values({ orgId, name: 'bench', prefix: key.prefix, secretHash: key.secretHash });
  const size = entries + day;
  const ids = (await db.execute(sql`select id::text from audit_events where org_id = ${orgId} and seq <= ${size} order by random() limit 300`)) as unknown as {
    id: string;
  }[];
  const api: number[] = [];
  const unlimited = { name: `bench-${randomUUID()}`, max: 1_000_000, windowMs: 60_000 };
  for (const { id } of ids) {
    t = performance.now();
    const res = await handleProofGet(
      db,
      new Request(`http://localhost/api/v1/integrity/proof?event=${id}`, { headers: { authorization: `Bearer ${key.key}` } }),
      {
        rateRule: unlimited,
      },
    );
    if (res.status !== 200) throw new Error(`proof: ${res.status} ${await res.text()}`);
    await res.json();
    api.push(performance.now() - t);
  }
  out.apiProofMs = { p50: +pct(api, 50).toFixed(1), p95: +pct(api, 95).toFixed(1), max: +Math.max(...api).toFixed(1), n: api.length };

  // A synthetic tree: tiles written directly (leaf hashes of counters), as the checkpointer would store them.
  const [syn] = await db.insert(organizations).values({ name: 'Synthetic', slug: 'synthetic' }).returning();
  t = performance.now();
  const tiles: Tiles = new Map();
  const range = new CompactRange();
  const chunk = 1 << 16;
  for (let from = 0; from < synthetic; from += chunk) {
    const leaves = Array.from({ length: Math.min(chunk, synthetic - from) }, (_, i) => hashLeafData(Buffer.from(String(from + i))));
    appendLeaves(tiles, from, leaves);
    for (const l of leaves) range.append(l);
  }
  const rows = [...tiles].map(([k, hashes]) => {
    const [level, idx] = k.split('/').map(Number) as [number, number];
    return { level, idx, hashes };
  });
  await db.transaction(async (tx) => {
    await saveMerkleTiles(tx, syn!.id, rows);
    await saveMerkleState(tx, syn!.id, { size: synthetic, chainHash: randomBytes(32).toString('hex'), merkleRange: range.serialize() });
  });
  out.syntheticBuildMs = ms(t);
  out.syntheticTiles = rows.length;
  const rootHash = (await rangeAt(db, syn!.id, synthetic)).root();
  const bare: number[] = [];
  for (let i = 0; i < 300; i++) {
    const index = Math.floor(Math.random() * synthetic);
    t = performance.now();
    const proof = await inclusionProof(db, syn!.id, index, synthetic);
    bare.push(performance.now() - t);
    if (!verifyInclusion(index, synthetic, hashLeafData(Buffer.from(String(index))), proof, rootHash)) throw new Error('synthetic proof failed');
  }
  out.syntheticProofMs = { p50: +pct(bare, 50).toFixed(2), p95: +pct(bare, 95).toFixed(2), max: +Math.max(...bare).toFixed(2), n: bare.length };
  out.loadAverage = os.loadavg().map((l) => +l.toFixed(1));
  console.log(`RESULT ${JSON.stringify(out)}`);
} finally {
  await handle.close();
  await root.unsafe(`drop database if exists "${name}" with (force)`);
  await root.end();
}
