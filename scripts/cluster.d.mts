// Types of scripts/cluster.mjs for the tests that import it.
export function workerCount(env?: Record<string, string | undefined>, opts?: { dev?: boolean; log?: (line: string) => void }): number;
export function runPrimary(opts: { workers: number; exec: string; log?: (line: string) => void }): void;
