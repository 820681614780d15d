export * from './tenancy';
export * from './audit-events';
export * from './api-keys';
export * from './security';
export * from './views';
export * from './audit-chain';
