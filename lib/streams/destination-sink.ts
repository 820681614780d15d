import type { StreamDestinationRow } from '@/db/schema/stream-destinations';
import { isDestinationKind, kindSpec, type StreamFormat } from './kinds';
import { openSecret } from './secret-box';
import { DeliveryError, type Sink } from './sink';

/** The sealed secret fields of a destination, opened (the destination id is bound into the seal). */
export function openDestinationSecrets(row: Pick<StreamDestinationRow, 'id' | 'secretSealed'>): Record<string, string> {
  return JSON.parse(openSecret(row.secretSealed, row.id)) as Record<string, string>;
}

/**
 * The sink for a stored destination through the kinds registry. A kind without a sink in this build, or a secret
 * the current key cannot open, is a DeliveryError that retrying cannot fix (the destination shows it, keeps its place).
 */
export function sinkForDestination(row: StreamDestinationRow): Sink {
  if (!isDestinationKind(row.kind)) throw new DeliveryError(`unknown destination kind "${row.kind}"`, false);
  const spec = kindSpec(row.kind);
  if (!spec.createSink) throw new DeliveryError(`destination kind "${row.kind}" is not available in this build`, false);
  let secrets: Record<string, string>;
  try {
    secrets = openDestinationSecrets(row);
  } catch {
    throw new DeliveryError('the destination secret cannot be opened with the configured STREAM_SECRET_KEY', false);
  }
  return spec.createSink({ destinationId: row.id, orgId: row.orgId, config: row.config, secrets, format: row.format as StreamFormat });
}
