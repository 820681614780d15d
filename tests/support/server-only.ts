// The `server-only` package throws outside Next's react-server condition; under vitest it is this empty module.
export {};
