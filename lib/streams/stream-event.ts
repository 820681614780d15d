import { toPublicRecord, type PublicRecord, type PublicRow } from '@/lib/chain/public-record';

/** An entry as it leaves the product on a log stream: its public record (lib/chain/public-record.ts). */
export type StreamEventFields = PublicRecord;

/** The stored row as a stream event: nothing the hash covers is left out, so a receiver can recompute it. */
export function toStreamEvent(row: PublicRow): StreamEventFields {
  return toPublicRecord(row);
}
