import type { StreamEvent } from '@/lib/streams/sink';

/**
 * A stand-in for an entry too large for its destination, so one huge entry cannot block the stream for ever:
 * the entry's identity and chain position (a receiver still sees the sequence unbroken and can tell this entry
 * apart), `truncated: true` as the marker, its full size, and as much of its serialized text as fits.
 * `measure` says how many bytes a candidate costs where it will travel (e.g. inside another JSON string).
 */
export function oversizeStandIn(event: StreamEvent, serialized: string, maxBytes: number, measure: (text: string) => number): string {
  const stub = {
    truncated: true,
    original_bytes: Buffer.byteLength(serialized, 'utf8'),
    id: event.id,
    seq: event.seq,
    prev_hash: event.prev_hash,
    hash: event.hash,
    occurred_at: event.occurred_at,
    org_id: event.org_id,
    action: event.action,
    result: event.result,
  };
  const withExcerpt = (length: number) => JSON.stringify({ ...stub, excerpt: cutAt(serialized, length) });
  // The longest excerpt (in UTF-16 units) that fits: escaping makes the cost non-linear, so search for it.
  let low = 0;
  let high = serialized.length;
  if (measure(withExcerpt(0)) > maxBytes) return JSON.stringify(stub);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(withExcerpt(mid)) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  return withExcerpt(low);
}

/** The first `length` UTF-16 units, one shorter when that would split a surrogate pair. */
function cutAt(text: string, length: number): string {
  if (length <= 0) return '';
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}
