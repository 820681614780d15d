import { isIP } from 'node:net';
import { z } from 'zod';
import { ACTOR_TYPES, RESULTS } from '@/db/vocabulary/audit';
import { hasNul, jsonValueProblem, NUL_MESSAGE } from './json-safety';
import { MAX_FUTURE_SKEW_MS, MAX_IDEMPOTENCY_KEY_LENGTH } from './limits';

const noNul = (s: string) => !hasNul(s);
const text = (max: number) => z.string().min(1, 'Must not be empty.').max(max, `Must be at most ${max} characters.`).refine(noNul, NUL_MESSAGE);
const optionalText = (max: number) => text(max).optional();

// Free-form JSON (snapshots, metadata, change values): anything JSON can say, within what PostgreSQL stores.
const isStorableJson = (value: unknown) => jsonValueProblem(value) === null;
const storableJson = { error: (issue: { input?: unknown }) => jsonValueProblem(issue.input) ?? 'Must be storable JSON.' };
const json = z.unknown().refine(isStorableJson, storableJson);

/**
 * The refinements validate-batch.ts's one pass over the raw event (wireCleanEvent) already establishes for every
 * value in it, NUL and depth included: the compiled checker skips them after that pass succeeds.
 */
export const WIRE_IMPLIED_REFINEMENTS: ReadonlySet<unknown> = new Set([noNul, isStorableJson]);

// isIP accepts IPv6 zone ids ("fe80::1%eth0"), which the inet column rejects.
const ipAddress = z
  .string()
  .max(64, 'Must be at most 64 characters.')
  .refine((v) => isIP(v) !== 0 && !v.includes('%'), 'Must be an IPv4 or IPv6 address.');

const actor = z.strictObject({
  type: z.enum(ACTOR_TYPES, `Must be one of ${ACTOR_TYPES.join(', ')}.`),
  id: optionalText(200),
  label: text(200),
});

const object = z.strictObject({
  type: text(64),
  id: optionalText(200),
  label: optionalText(500),
});

const change = z.strictObject({
  path: text(500),
  before: json.optional(),
  after: json.optional(),
});

const metadata = z
  .record(z.string(), z.unknown(), 'Must be a JSON object.')
  .refine(isStorableJson, storableJson)
  .refine((m) => !Object.hasOwn(m, 'ingest'), '"ingest" is reserved: the server records who sent the event there.');

/**
 * One event as other systems send it (snake_case JSON); `now()` bounds occurred_at against the future, read while
 * parsing (so one schema, built once, serves every request: building it cost more than validating a small batch).
 */
export function createEventSchema(now: () => Date) {
  return z.strictObject({
    action: text(64)
      .regex(/^[a-z][a-z0-9_.:-]*$/i, 'Must start with a letter and contain only letters, digits, "_", ".", ":" or "-".')
      .transform((a) => a.toLowerCase()),
    occurred_at: z.iso
      .datetime({ offset: true, error: 'Must be an ISO 8601 date-time with a time zone offset, e.g. 2026-11-21T10:00:00Z.' })
      .transform((s) => new Date(s))
      .refine((d) => d.getTime() >= 0, 'Must not be before 1970-01-01.')
      .refine((d) => d.getTime() <= now().getTime() + MAX_FUTURE_SKEW_MS, 'Must not be more than 5 minutes in the future.')
      .optional(),
    actor: actor.optional(),
    object,
    module: optionalText(64),
    project: optionalText(200),
    message: z.string().max(2000, 'Must be at most 2000 characters.').refine(noNul, NUL_MESSAGE).optional(),
    result: z.enum(RESULTS, `Must be one of ${RESULTS.join(', ')}.`).default('success'),
    error_message: optionalText(2000),
    ip: ipAddress.optional(),
    user_agent: optionalText(512),
    request_id: optionalText(200),
    before: json.optional(),
    after: json.optional(),
    changes: z.array(change, 'Must be an array of { path, before, after }.').optional(),
    metadata: metadata.optional(),
    idempotency_key: optionalText(MAX_IDEMPOTENCY_KEY_LENGTH),
  });
}

export type IngestEvent = z.output<ReturnType<typeof createEventSchema>>;
