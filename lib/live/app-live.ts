import 'server-only';
import { getDbHandle } from '@/lib/boot/app-db';
import { createLiveHub, type LiveHub } from './hub';
import { createStreamSlots, type StreamSlots } from './stream-limits';

// One hub (one LISTEN connection) and one stream registry per server process; on globalThis for dev reloads.
const holder = globalThis as unknown as { __auditLiveHub?: Promise<LiveHub>; __auditLiveSlots?: StreamSlots };

/** The process-wide live-tail hub, listening on the app database. */
export function getLiveHub(): Promise<LiveHub> {
  holder.__auditLiveHub ??= getDbHandle().then((handle) => createLiveHub(handle, { db: handle.db }));
  return holder.__auditLiveHub;
}

/** The process-wide registry of open live streams (per-person and per-process caps). */
export function getStreamSlots(): StreamSlots {
  holder.__auditLiveSlots ??= createStreamSlots();
  return holder.__auditLiveSlots;
}
