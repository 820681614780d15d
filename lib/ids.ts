import { randomFillSync } from 'node:crypto';

export { isUuid } from '@/db/vocabulary/ids';

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
// Random bytes drawn 4 KiB at a time: an ingest batch takes a thousand ids, one system call each was measurable.
const pool = new Uint8Array(4096);
let used = pool.length;

/** RFC 9562 UUIDv7: 48-bit millisecond timestamp then random bits, so ids sort by creation time. */
export function uuidv7(at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const r = pool.subarray(used, used + 10);
  used += 10;
  const h = (b: number) => HEX[b & 0xff]!;
  return (
    `${h(ms / 2 ** 40)}${h(ms / 2 ** 32)}${h(ms >>> 24)}${h(ms >>> 16)}-${h(ms >>> 8)}${h(ms)}-` +
    `${h((r[0]! & 0x0f) | 0x70)}${h(r[1]!)}-${h((r[2]! & 0x3f) | 0x80)}${h(r[3]!)}-${h(r[4]!)}${h(r[5]!)}${h(r[6]!)}${h(r[7]!)}${h(r[8]!)}${h(r[9]!)}`
  );
}
