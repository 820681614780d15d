import { isIP } from 'node:net';

/** Set by scripts/server.mjs from the socket's remote address; any client-sent value is overwritten there. */
export const PEER_HEADER = 'x-audit-peer-address';

function clean(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let ip = raw.trim();
  if (ip.startsWith('[') && ip.includes(']')) ip = ip.slice(1, ip.indexOf(']'));
  if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return isIP(ip) ? ip : null;
}

/**
 * The client address to record. By default the direct peer: X-Forwarded-For is ignored, so a client
 * cannot choose what is recorded. With `trustedHops` = N (N proxies of yours in front), the address N
 * entries from the right of [...X-Forwarded-For, peer] is used — the one your outermost proxy saw.
 * A malformed entry there falls back to the peer rather than to anything the client wrote.
 */
export function resolveClientIp(headers: Headers, trustedHops: number): string | null {
  const peer = clean(headers.get(PEER_HEADER));
  if (trustedHops <= 0 || !peer) return peer;
  const forwarded = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  const index = chain.length - 1 - trustedHops;
  if (index < 0) return clean(chain[0]) ?? peer;
  return clean(chain[index]) ?? peer;
}
