export { isUuid } from '@/db/vocabulary/ids';

/** RFC 9562 UUIDv7: 48-bit millisecond timestamp then random bits, so ids sort by creation time. */
export function uuidv7(at: Date | number = Date.now()): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (ms / 2 ** 40) & 0xff;
  bytes[1] = (ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
