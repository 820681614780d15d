/** The ingest API's published limits (the README documents the same numbers). */
export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_BODY_BYTES = 1_048_576;
// Clock skew allowance: a sender's clock may run a little ahead of ours, but not into the future.
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
export const IDEMPOTENCY_WINDOW_HOURS = 24;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
