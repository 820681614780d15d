import dns from 'node:dns';
import net from 'node:net';
import { getSettings } from '@/lib/settings';
import { DeliveryError } from './sink';

/**
 * Addresses a destination may not reach unless STREAM_ALLOW_PRIVATE_ADDRESSES is on: loopback, private networks,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, benchmarking, multicast and reserved ranges.
 * Without this an admin could point a stream at a service inside the deployment's network (server-side request forgery).
 */
const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv6');

/** Whether `ip` (IPv4 or IPv6 text) is an address on the public internet; IPv4-mapped IPv6 is judged as its IPv4. */
export function isPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return isPublicAddress(mapped[1]!);
    return !blocked.check(ip, 'ipv6');
  }
  return !blocked.check(ip, 'ipv4');
}

const allowPrivate = () => getSettings().streamAllowPrivateAddresses;

function refusal(label: string, host: string, address: string): DeliveryError {
  // Not retryable: the same address is refused on every attempt; the Streams screen shows why.
  return new DeliveryError(`${label}: ${host} resolves to ${address}, a private or reserved address (STREAM_ALLOW_PRIVATE_ADDRESSES is off)`, false);
}

/** Refuses a destination given as an IP literal that is not public (a host name is checked by guardedLookup when it resolves). */
export function assertAllowedHost(label: string, host: string): void {
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare) && !allowPrivate() && !isPublicAddress(bare)) throw refusal(label, host, bare);
}

/**
 * A dns.lookup for the sockets of a destination: the address checked is the one connected to, so a name that
 * resolves to a public address when saved and to a private one later (DNS rebinding) is still refused.
 */
export function guardedLookup(label: string): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const bad = allowPrivate() ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (bad) return callback(refusal(label, hostname, bad.address), '', 0);
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
