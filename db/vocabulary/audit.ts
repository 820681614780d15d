/** Closed vocabularies of the audit model; the database enums are built from these. */
export const ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const SOURCES = ['web', 'api', 'system'] as const;
export type Source = (typeof SOURCES)[number];

export const RESULTS = ['success', 'failure'] as const;
export type Result = (typeof RESULTS)[number];
