import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { computeEntryHash, GENESIS_HASH } from '@/lib/chain/entry-hash';
import { checkpointOrigin } from '@/lib/chain/checkpoints';
import { leafHash, rootOfLeaves } from '@/lib/chain/merkle';
import { checkpointText, signNote, verifierKey } from '@/lib/chain/signed-note';
import type { StreamBatch, StreamCheckpoint, StreamEvent } from '@/lib/streams/sink';

export type EventSeed = {
  action?: string;
  result?: 'success' | 'failure';
  message?: string;
  ip?: string | null;
  metadata?: Record<string, unknown>;
  actorLabel?: string;
};

/** A fixture event: a StreamEvent whose API fields are typed. */
export type FixtureEvent = StreamEvent & {
  action: string;
  message: string;
  result: 'success' | 'failure';
  ip: string | null;
  actor: { type: string; id: string | null; label: string };
  object: { type: string; id: string | null; label: string | null };
};

/**
 * A chain of stream events for one organization (seq 1..n, each prev_hash the previous hash, each hash the real
 * entry hash), in the API's nested shape plus the chain fields, as the delivery loop hands them to a sink.
 */
export function chainedEvents(seeds: readonly EventSeed[], orgId: string = randomUUID(), start = { seq: 1, prevHash: GENESIS_HASH }): FixtureEvent[] {
  let prevHash = start.prevHash;
  const base = Date.parse('2026-11-28T12:00:00.000Z');
  return seeds.map((seed, i) => {
    const seq = start.seq + i;
    const occurredAt = new Date(base + seq * 1000 + 7);
    const row = {
      orgId,
      id: randomUUID(),
      seq,
      prevHash,
      occurredAt,
      actorType: 'user' as const,
      actorId: 'user-42',
      actorLabel: seed.actorLabel ?? 'Zoë Ågren',
      source: 'api' as const,
      ip: seed.ip === undefined ? '203.0.113.9' : seed.ip,
      userAgent: 'curl/8.5',
      requestId: `req-${seq}`,
      action: seed.action ?? 'member.create',
      objectType: 'member',
      objectId: `m-${seq}`,
      objectLabel: 'Member "one" [admin]',
      module: null,
      project: null,
      message: seed.message ?? `Event ${seq}`,
      result: seed.result ?? 'success',
      errorMessage: seed.result === 'failure' ? 'Permission denied' : null,
      before: null,
      after: null,
      changes: null,
      changedFields: [],
      metadata: seed.metadata ?? {},
    };
    const hash = computeEntryHash(row);
    prevHash = hash;
    return {
      id: row.id,
      seq,
      prev_hash: row.prevHash,
      hash,
      occurred_at: occurredAt.toISOString(),
      org_id: orgId,
      actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
      source: row.source,
      ip: row.ip,
      user_agent: row.userAgent,
      request_id: row.requestId,
      action: row.action,
      object: { type: row.objectType, id: row.objectId, label: row.objectLabel },
      message: row.message,
      result: row.result,
      error_message: row.errorMessage,
      metadata: row.metadata,
    };
  });
}

/** Seeds whose text is hard to carry: line breaks, non-Latin scripts, emoji, and every character the formats escape. */
export const AWKWARD_SEEDS: EventSeed[] = [
  { message: 'first line\nsecond line\r\nthird', action: 'member.create' },
  { message: 'Unicode: שלום, 日本語, emoji 🎉 and é', actorLabel: 'José 🦊' },
  { message: 'brackets ] [ and "quotes" and back\\slash and = and | pipes', action: 'settings.update', result: 'failure' },
  { message: '', action: 'api_key.delete', ip: '2001:db8::1' },
  { message: 'no address', ip: null, action: 'export' },
];

export function batchOf(events: StreamEvent[], destinationId = 'destination-1'): StreamBatch {
  const first = events[0]?.seq ?? 0;
  const last = events.at(-1)?.seq ?? 0;
  return { id: `${destinationId}:${first}-${last}`, orgId: events[0]?.org_id ?? '', destinationId, events, attemptAt: new Date() };
}

/** A test signing key and the verifier key ("<origin>+<id>+<key>") a receiver checks its notes with. */
export function checkpointKey(orgId: string): { privateKey: KeyObject; vkey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, vkey: verifierKey(checkpointOrigin(orgId), createPublicKey(privateKey)) };
}

/** The signed checkpoint of `events[0..size)` (a chain from #1), as the loop sends it; `root` overrides the true root (a forgery). */
export function signedCheckpoint(events: readonly StreamEvent[], size: number, privateKey: KeyObject, root?: Buffer): StreamCheckpoint {
  const orgId = events[0]!.org_id;
  const origin = checkpointOrigin(orgId);
  const mth = root ?? rootOfLeaves(events.slice(0, size).map((e) => leafHash(e.hash)));
  return {
    type: 'audit.checkpoint',
    org_id: orgId,
    tree_size: size,
    root_hash: mth.toString('base64'),
    signed_at: new Date(Date.parse('2026-11-28T13:00:00.000Z') + size).toISOString(),
    note: signNote(checkpointText({ origin, size, root: mth }), origin, privateKey),
  };
}
