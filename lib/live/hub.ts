import type { DbHandle, DbOrTx } from '@/db/client';
import { listChainHeadSeqs } from '@/db/queries/audit-live';
import { AUDIT_APPENDED_CHANNEL, parseAuditAppended } from '@/db/queries/audit-notify';

/** How often the hub checks its organizations' heads for appends whose notification never came. */
export const LIVE_RECONCILE_MS = 30_000;

/** Told a new head seq of its organization, or `null`: "notifications may have been missed, read the head". */
export type HeadListener = (seq: number | null) => void;

export type LiveHub = {
  /** Resolves once notifications for `orgId` are being received; the function it gives stops them. */
  subscribe(orgId: string, listener: HeadListener): Promise<() => void>;
  /** How many subscribers there are (all organizations). */
  size(): number;
  /** Stops listening (tests, shutdown). */
  close(): Promise<void>;
};

/**
 * One LISTEN per process, fanned out by organization id: a notification of organization A reaches only A's
 * subscribers, and carries nothing but A's id and head seq (each subscriber reads its own rows with its own
 * filters). The listening connection is opened on the first subscription and kept; after it is re-established
 * (a server connection lost and reopened) every subscriber is told to catch up. With `db`, a safety net besides:
 * while anyone is subscribed, one read of the subscribed organizations' heads every `reconcileMs` (one query per
 * process, not per viewer) hands each head to its subscribers, who read only if it moved past what they read.
 */
export function createLiveHub(handle: Pick<DbHandle, 'listen'>, opts: { db?: DbOrTx; reconcileMs?: number } = {}): LiveHub {
  const byOrg = new Map<string, Set<HeadListener>>();
  let reconcile: ReturnType<typeof setInterval> | null = null;
  const startReconciling = () => {
    const db = opts.db;
    if (!db || reconcile) return;
    reconcile = setInterval(() => {
      if (byOrg.size === 0) return;
      listChainHeadSeqs(db, [...byOrg.keys()])
        .then((heads) => {
          for (const h of heads) for (const listener of byOrg.get(h.orgId.toLowerCase()) ?? []) listener(h.seq);
        })
        .catch(() => undefined); // the next round tries again
    }, opts.reconcileMs ?? LIVE_RECONCILE_MS);
    reconcile.unref?.();
  };
  let listening: Promise<() => Promise<void>> | null = null;
  let established = false;

  const onPayload = (payload: string) => {
    const head = parseAuditAppended(payload);
    if (!head) return;
    for (const listener of byOrg.get(head.orgId) ?? []) listener(head.seq);
  };
  const onListening = () => {
    // The first time is the start; any later call is a re-listen after a lost connection.
    if (established) for (const set of byOrg.values()) for (const listener of set) listener(null);
    established = true;
  };

  const ensureListening = () => {
    listening ??= handle.listen(AUDIT_APPENDED_CHANNEL, onPayload, onListening).catch((error: unknown) => {
      listening = null;
      throw error;
    });
    return listening;
  };

  return {
    async subscribe(orgId, listener) {
      await ensureListening();
      const key = orgId.toLowerCase();
      let set = byOrg.get(key);
      if (!set) byOrg.set(key, (set = new Set()));
      set.add(listener);
      startReconciling();
      return () => {
        set.delete(listener);
        if (set.size === 0 && byOrg.get(key) === set) byOrg.delete(key);
      };
    },
    size: () => [...byOrg.values()].reduce((n, s) => n + s.size, 0),
    async close() {
      const stop = listening;
      listening = null;
      if (reconcile) clearInterval(reconcile);
      reconcile = null;
      byOrg.clear();
      if (stop) await (await stop)();
    },
  };
}
