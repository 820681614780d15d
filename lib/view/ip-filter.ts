const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4, 6 or 0 (not an address). Runs in the browser too: the URL parser validates IPv6 literals. */
export function ipFamily(addr: string): 0 | 4 | 6 {
  if (IPV4.test(addr)) return 4;
  if (!addr.includes(':') || /[^0-9a-fA-F:.]/.test(addr)) return 0;
  try {
    new URL(`http://[${addr}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** Normalises an address or CIDR block (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`), or null if invalid. */
export function parseIpFilter(raw: string): string | null {
  const [addr, prefix, extra] = raw.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const family = ipFamily(addr);
  if (!family) return null;
  if (prefix === undefined) return addr.toLowerCase();
  if (!/^\d{1,3}$/.test(prefix)) return null;
  const bits = Number(prefix);
  return bits <= (family === 4 ? 32 : 128) ? `${addr.toLowerCase()}/${bits}` : null;
}
