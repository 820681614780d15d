import type { z } from 'zod';

/** What a compiled checker returns for a value it does not accept: the caller then asks zod itself (for messages). */
export const REJECT: unique symbol = Symbol('reject');
export type CompiledChecker = (value: unknown) => unknown;

// zod v4's internals as far as the compiler reads them (zod/v4/core): a node's def, its traits and, for a check, its check.
type Payload = { value: unknown; issues: unknown[] };
type ZodNode = {
  _zod: { def: Record<string, unknown> & { type: string; checks?: ZodNode[] }; traits: Set<string>; optin?: string; check?: (p: Payload) => unknown };
};
type Compiled = (value: unknown) => unknown;

/**
 * A checker derived from a zod schema, so the schema stays the one definition: the same nodes, the same checks
 * (each run through zod's own check function), the same output (transforms and defaults applied, optional keys
 * left out). It answers only "certainly valid, and here is zod's output" or REJECT; it builds no error, so on
 * REJECT the caller runs zod for the messages (and for the verdict: REJECT never decides alone). Refinements in
 * `implied` are skipped: the caller has already established them for the whole value (json-safety.ts's one pass).
 * Node kinds it does not know compile to "always REJECT" and are listed in `unsupported` (a test keeps it empty).
 */
export function compileSchema(schema: z.ZodType, implied: ReadonlySet<unknown>): { check: CompiledChecker; unsupported: string[] } {
  const unsupported: string[] = [];
  const check = compileNode(schema as unknown as ZodNode, implied, unsupported, '');
  return { check, unsupported };
}

// One payload reused by every check call: a check reads payload.value and pushes to payload.issues, nothing more.
const payload: Payload = { value: undefined, issues: [] };

function compileCheck(node: ZodNode, implied: ReadonlySet<unknown>): Compiled | null {
  const fn = node._zod.def.fn;
  if (fn !== undefined && implied.has(fn)) return null;
  const run = node._zod.check;
  if (!run) return null;
  return (value) => {
    payload.value = value;
    payload.issues.length = 0;
    const r = run(payload);
    return r instanceof Promise || payload.issues.length > 0 ? REJECT : value;
  };
}

function withChecks(node: ZodNode, base: Compiled, implied: ReadonlySet<unknown>): Compiled {
  // zod runs a node's own check first when the node is itself a check (string formats: iso datetime, regex...).
  const nodes = [...(node._zod.traits.has('$ZodCheck') ? [node] : []), ...(node._zod.def.checks ?? [])];
  const checks = nodes.map((c) => compileCheck(c, implied)).filter((c): c is Compiled => c !== null);
  if (checks.length === 0) return base;
  return (value) => {
    const out = base(value);
    if (out === REJECT) return REJECT;
    for (const c of checks) if (c(out) === REJECT) return REJECT;
    return out;
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function compileNode(node: ZodNode, implied: ReadonlySet<unknown>, unsupported: string[], at: string): Compiled {
  const def = node._zod.def;
  const child = (n: unknown, path: string) => compileNode(n as ZodNode, implied, unsupported, path);
  switch (def.type) {
    case 'string':
      if (def.coerce) break;
      return withChecks(node, (v) => (typeof v === 'string' ? v : REJECT), implied);
    case 'unknown':
      return withChecks(node, (v) => v, implied);
    case 'enum': {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return withChecks(node, (v) => (values.has(v) ? v : REJECT), implied);
    }
    case 'optional': {
      const inner = child(def.innerType, at);
      return withChecks(node, (v) => (v === undefined ? undefined : inner(v)), implied);
    }
    case 'default': {
      const inner = child(def.innerType, at);
      return withChecks(node, (v) => (v === undefined ? def.defaultValue : inner(v)), implied);
    }
    case 'pipe': {
      const first = child(def.in, at);
      const then = child(def.out, at);
      return withChecks(
        node,
        (v) => {
          const mid = first(v);
          return mid === REJECT ? REJECT : then(mid);
        },
        implied,
      );
    }
    case 'transform': {
      const transform = def.transform as (v: unknown, p: Payload) => unknown;
      return withChecks(
        node,
        (v) => {
          const p: Payload = { value: v, issues: [] };
          const out = transform(v, p);
          return out instanceof Promise || p.issues.length > 0 ? REJECT : out;
        },
        implied,
      );
    }
    case 'array': {
      const element = child(def.element, `${at}[]`);
      return withChecks(
        node,
        (v) => {
          if (!Array.isArray(v)) return REJECT;
          const out: unknown[] = new Array(v.length);
          for (let i = 0; i < v.length; i++) {
            const r = element(v[i]);
            if (r === REJECT) return REJECT;
            out[i] = r;
          }
          return out;
        },
        implied,
      );
    }
    case 'record': {
      const keyType = (def.keyType as ZodNode)._zod.def;
      if (keyType.type !== 'string' || keyType.checks?.length || keyType.coerce) break;
      const value = child(def.valueType, `${at}{}`);
      return withChecks(
        node,
        (v) => {
          if (!isObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return REJECT;
          const out: Record<string, unknown> = {};
          for (const k of Object.keys(v)) {
            if (k === '__proto__') return REJECT;
            const r = value(v[k]);
            if (r === REJECT) return REJECT;
            out[k] = r;
          }
          return out;
        },
        implied,
      );
    }
    case 'object': {
      const catchall = def.catchall as ZodNode | undefined;
      const strict = catchall?._zod.def.type === 'never';
      if (catchall && !strict) break;
      const shape = def.shape as Record<string, ZodNode>;
      const fields = Object.keys(shape).map((key) => ({
        key,
        required: shape[key]!._zod.optin === undefined,
        optional: shape[key]!._zod.optin === 'optional',
        parse: child(shape[key], at ? `${at}.${key}` : key),
      }));
      return withChecks(
        node,
        (v) => {
          if (!isObject(v)) return REJECT;
          if (strict) for (const k in v) if (!Object.hasOwn(shape, k)) return REJECT;
          const out: Record<string, unknown> = {};
          for (const f of fields) {
            const present = f.key in v;
            if (!present && f.required) return REJECT;
            if (!present && f.optional) continue;
            const r = f.parse(v[f.key]);
            if (r === REJECT) return REJECT;
            if (r !== undefined || present) out[f.key] = r;
          }
          return out;
        },
        implied,
      );
    }
  }
  unsupported.push(`${at || '(root)'}: ${def.type}`);
  return () => REJECT;
}
