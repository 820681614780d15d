export * from './tenancy';
export * from './audit-events';
export * from './api-keys';
export * from './login-throttle';
export * from './idempotency-keys';
export * from './saved-views';
export * from './audit-facets';
export * from './audit-chain';
