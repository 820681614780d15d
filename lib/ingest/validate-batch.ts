import type { z } from 'zod';
import { compileSchema, REJECT } from './compile-schema';
import { createEventSchema, WIRE_IMPLIED_REFINEMENTS, type IngestEvent } from './event-schema';
import { isWireClean, wireProblems } from './json-safety';
import { MAX_EVENTS_PER_REQUEST } from './limits';

/** One bad field: `index` is the event's position in the batch (0 for a single object), `path` is dotted. */
export type FieldError = { index: number; path: string; message: string };

export type BatchValidation =
  | { ok: true; events: IngestEvent[] }
  | { ok: false; reason: 'too_many_events'; count: number }
  | { ok: false; reason: 'validation_failed'; message: string; errors: FieldError[] };

// Zod's default for a missing key reads "expected string, received undefined"; say what the sender must do.
const requiredMessage = (iss: { code?: string; input?: unknown }) => (iss.code === 'invalid_type' && iss.input === undefined ? 'Required.' : undefined);

function toFieldErrors(index: number, issues: z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ index, path: [...at, key].join('.'), message: `Unknown field "${key}".` }));
    }
    return [{ index, path: at.join('.'), message: issue.message }];
  });
}

function summarize(errors: FieldError[]): string {
  const events = new Set(errors.map((e) => e.index)).size;
  const first = errors[0]!;
  const where = first.path ? `${first.path}: ` : '';
  return `${errors.length} invalid field(s) in ${events} event(s); nothing was stored. First, event ${first.index}: ${where}${first.message}`;
}

/**
 * Validates a parsed JSON body (one event or an array) as a whole: any bad event rejects the batch. Each event
 * first goes through one allocation-free pass over its values (isWireClean) and a checker compiled from the
 * same zod schema (compile-schema.ts); only an event either of them does not accept is judged by zod itself,
 * which then decides and words the errors. Same verdicts, outputs and messages as validateBatchWithSchema.
 */
export function validateBatch(body: unknown, now: Date): BatchValidation {
  return validate(body, now, true);
}

/** validateBatch with zod alone for every event: the reference the compiled path is tested (and benchmarked) against. */
export function validateBatchWithSchema(body: unknown, now: Date): BatchValidation {
  return validate(body, now, false);
}

// The one event schema and its compiled checker, built once; the batch being validated sets the time they compare
// occurred_at with. Safe because validate() runs synchronously from start to end: no other batch can interleave.
let batchNow = new Date(0);
const schema = createEventSchema(() => batchNow);
const fastCheck = compileSchema(schema, WIRE_IMPLIED_REFINEMENTS).check;

function validate(body: unknown, now: Date, compiled: boolean): BatchValidation {
  const items = Array.isArray(body) ? body : [body];
  if (items.length > MAX_EVENTS_PER_REQUEST) return { ok: false, reason: 'too_many_events', count: items.length };
  if (items.length === 0) return { ok: false, reason: 'validation_failed', message: 'The batch is empty: send at least one event.', errors: [] };
  batchNow = now;
  const fast = compiled ? fastCheck : null;
  const events: IngestEvent[] = [];
  const errors: FieldError[] = [];
  for (let index = 0; index < items.length; index++) {
    const item: unknown = items[index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push({ index, path: '', message: 'Must be an event object.' });
      continue;
    }
    if (fast && isWireClean(item)) {
      const out = fast(item);
      if (out !== REJECT) {
        events.push(out as IngestEvent);
        continue;
      }
    }
    const wire = wireProblems(item);
    if (wire.length > 0) {
      errors.push(...wire.map((w) => ({ index, ...w })));
      continue;
    }
    const parsed = schema.safeParse(item, { error: requiredMessage });
    if (parsed.success) events.push(parsed.data);
    else errors.push(...toFieldErrors(index, parsed.error.issues));
  }
  if (errors.length > 0) return { ok: false, reason: 'validation_failed', message: summarize(errors), errors };
  return { ok: true, events };
}
