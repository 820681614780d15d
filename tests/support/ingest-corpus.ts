/**
 * A deterministic corpus of API events for the ingest hot-path tests: valid events of every shape the schema
 * allows (snapshots with secrets, explicit changes, unicode, escapes, keys that look like numbers, IPv6) and each
 * of them broken in one of many ways (types, lengths, unknown fields, NUL, lone surrogates, 2^53, 1e400,
 * `__proto__`, depth, dates). Same seed, same events: the golden digest in the test depends on it.
 */
import type { Rng } from './rng';

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rng, p: number) => r() < p;

const WORDS = ['rate', 'port', 'name', 'password', 'apiKey', 'X-Api-Key', 'owner', 'é', 'ümlaut', 'a b', '10', '9', '0', 'Z', '_x', 'tags', '😀'];
const TEXTS = ['plain', 'tab\there', 'line\nbreak', 'back\\slash', 'quote"d', 'café ☕', 'emoji 😀', '\u0001ctl', '', 'CR\r', 'Ünïcödé'];

/** A JSON value as a sender might put in a snapshot or metadata (no NUL, no lone surrogates, safe numbers). */
export function jsonValue(r: Rng, depth = 0): unknown {
  const kind = depth > 3 ? Math.floor(r() * 4) : Math.floor(r() * 7);
  switch (kind) {
    case 0:
      return pick(r, TEXTS);
    case 1:
      return pick(r, [0, -0, 1, -7, 3.5, 1e-7, 2 ** 53 - 1, 0.1 + 0.2, 123456.789e3]);
    case 2:
      return pick(r, [true, false, null]);
    case 3:
      return Math.floor(r() * 1000);
    case 4:
    case 5: {
      const out: Record<string, unknown> = {};
      const n = Math.floor(r() * 5);
      for (let i = 0; i < n; i++) out[pick(r, WORDS)] = jsonValue(r, depth + 1);
      return out;
    }
    default:
      return Array.from({ length: Math.floor(r() * 4) }, () => jsonValue(r, depth + 1));
  }
}

const snapshot = (r: Rng) => {
  const out: Record<string, unknown> = {};
  for (const k of ['name', 'limits', 'rules', 'password', 'enabled', pick(r, WORDS)]) if (chance(r, 0.7)) out[k] = jsonValue(r, 1);
  return out;
};

/** A valid event: every optional field present or not, at random. */
export function validEvent(r: Rng, now: Date): Record<string, unknown> {
  const e: Record<string, unknown> = {
    action: pick(r, ['update', 'Invoice.Paid', 'user:login', 'a-b_c.d']),
    object: {
      type: pick(r, ['invoice', 'route', 'Ünïcödé']),
      ...(chance(r, 0.6) ? { id: `o_${Math.floor(r() * 1e6)}` } : {}),
      ...(chance(r, 0.5) ? { label: pick(r, TEXTS.filter(Boolean)) } : {}),
    },
  };
  if (chance(r, 0.8)) e.occurred_at = new Date(now.getTime() - Math.floor(r() * 1e9)).toISOString();
  if (chance(r, 0.2)) e.occurred_at = '2026-11-21T14:04:00.123+02:00';
  if (chance(r, 0.7))
    e.actor = { type: pick(r, ['user', 'system', 'api_key']), label: pick(r, TEXTS.filter(Boolean)), ...(chance(r, 0.5) ? { id: 'u1' } : {}) };
  if (chance(r, 0.5)) e.module = 'Networking';
  if (chance(r, 0.5)) e.project = pick(r, TEXTS.filter(Boolean));
  if (chance(r, 0.6)) e.message = pick(r, TEXTS);
  if (chance(r, 0.4)) e.result = pick(r, ['success', 'failure']);
  if (chance(r, 0.2)) e.error_message = 'boom\tthere';
  if (chance(r, 0.6)) e.ip = pick(r, ['198.51.100.7', '2001:db8::1', '2001:DB8::0:1', '::ffff:1.2.3.4', '10.0.0.1']);
  if (chance(r, 0.5)) e.user_agent = 'curl/8.0';
  if (chance(r, 0.5)) e.request_id = `req_${Math.floor(r() * 1e6)}`;
  if (chance(r, 0.6)) e.before = chance(r, 0.9) ? snapshot(r) : jsonValue(r);
  if (chance(r, 0.6)) e.after = chance(r, 0.9) ? snapshot(r) : jsonValue(r);
  if (chance(r, 0.15)) {
    e.changes = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
      path: pick(r, ['limits.rate', 'password', 'rules.0.port', 'a.apiKey.b']),
      ...(chance(r, 0.8) ? { before: jsonValue(r, 2) } : {}),
      ...(chance(r, 0.8) ? { after: jsonValue(r, 2) } : {}),
    }));
  }
  if (chance(r, 0.6))
    e.metadata = { trace_id: 'abc', ...(chance(r, 0.3) ? { token: 'secret-value' } : {}), ...(chance(r, 0.3) ? { nested: jsonValue(r, 1) } : {}) };
  if (chance(r, 0.2)) e.idempotency_key = `k${Math.floor(r() * 1e6)}`;
  return e;
}

const deep = (n: number): unknown => (n === 0 ? 'leaf' : { d: deep(n - 1) });

/** The ways `e` is broken, one at a time; each breaks the schema or the wire rules. */
const BREAKS: ((e: Record<string, unknown>, r: Rng) => void)[] = [
  (e) => delete e.action,
  (e) => delete e.object,
  (e) => (e.action = '9lives'),
  (e) => (e.action = 42),
  (e) => (e.action = 'x'.repeat(65)),
  (e) => (e.tenant = 'other'),
  (e) => (e.actor = { type: 'user', label: 'x', email: 'x@y' }),
  (e) => (e.actor = { type: 'robot', label: 'x' }),
  (e) => (e.actor = { type: 'user', label: '' }),
  (e) => (e.object = { type: 'x', id: null }),
  (e) => (e.occurred_at = '2026-11-21T11:00:00'),
  (e) => (e.occurred_at = '1969-12-31T23:59:59Z'),
  (e) => (e.occurred_at = '2999-01-01T00:00:00Z'),
  (e) => (e.result = 'maybe'),
  (e) => (e.ip = 'fe80::1%eth0'),
  (e) => (e.ip = 'example.com'),
  (e) => (e.message = 'x'.repeat(2001)),
  (e) => (e.message = 'nul\u0000here'),
  (e) => (e.user_agent = 'lone \ud800'),
  (e) => (e.before = { a: 'nul\u0000' }),
  (e) => (e.after = { ['k\u0000']: 1 }),
  (e) => (e.before = { big: 2 ** 53 + 2 }),
  (e) => (e.after = { x: Infinity }),
  (e) => (e.metadata = { ingest: 'mine' }),
  (e) => (e.metadata = ['not', 'an', 'object']),
  (e) => (e.changes = [{ before: 1 }]),
  (e) => (e.changes = { path: 'x' }),
  (e) => (e.before = deep(40)),
  (e) => (e.idempotency_key = ''),
  (e) => Object.defineProperty(e, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true }),
  (e, r) => (e.before = { ...(e.before as object), [pick(r, ['lone\udc00', 'ok'])]: 'lone \udbff' }),
];

/** `valid` broken in one way chosen by `r` (a fresh copy; the valid event is left as it was). */
export function brokenEvent(r: Rng, valid: Record<string, unknown>): Record<string, unknown> {
  const e = structuredClone(valid);
  pick(r, BREAKS)(e, r);
  return e;
}
