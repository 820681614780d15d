import type { StreamDestinationRow } from '@/db/schema/stream-destinations';
import type { AuditEntry } from '@/lib/recording/record';

/**
 * The `system` audit entry recorded when a destination's health changes (never on each retry): failing after
 * consecutive failures or a refusal that retrying cannot fix, or delivering again. No secret is part of it.
 */
export function healthChangeEntry(
  dest: Pick<StreamDestinationRow, 'orgId' | 'id' | 'name' | 'kind' | 'cursor'>,
  change: { unhealthy: true; consecutiveFailures: number; lastError: string } | { unhealthy: false; deliveredThrough: number },
): AuditEntry {
  const common = {
    orgId: dest.orgId,
    actor: { type: 'system', id: null, label: 'Log streams' },
    source: 'system',
    action: 'update',
    objectType: 'stream_destination',
    objectId: dest.id,
    objectLabel: dest.name,
    module: 'Streams',
  } satisfies Partial<AuditEntry>;
  if (change.unhealthy) {
    return {
      ...common,
      result: 'failure',
      errorMessage: change.lastError.slice(0, 2000),
      message: `Stream destination "${dest.name}" is failing: ${change.consecutiveFailures} consecutive failed deliveries; it keeps its position (#${dest.cursor}) and retries`,
      before: { health: 'healthy' },
      after: { health: 'unhealthy' },
      metadata: { kind: dest.kind, consecutive_failures: change.consecutiveFailures, cursor: dest.cursor },
    };
  }
  return {
    ...common,
    message: `Stream destination "${dest.name}" is delivering again (through #${change.deliveredThrough})`,
    before: { health: 'unhealthy' },
    after: { health: 'healthy' },
    metadata: { kind: dest.kind, delivered_through: change.deliveredThrough },
  };
}
