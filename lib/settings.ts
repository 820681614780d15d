import path from 'node:path';

/**
 * Every setting the server reads, with its default, in one place (the README lists the same table).
 * Read lazily so that `next build` never needs them.
 */
export function getSettings(env: NodeJS.ProcessEnv = process.env) {
  // The data folder is chosen at run time; keep the build's file tracer from following it.
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR || '.data');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    // Connections of the second pool that runs long reads (COPY exports, chain verification) on a server.
    bulkConnections: parseBulkConnections(env.DATABASE_BULK_CONNECTIONS),
    dataDir,
    pgliteDir: path.join(dataDir, 'pglite'),
    seedDemo: parseSeedDemo(env.SEED_DEMO, Boolean(env.DATABASE_URL)),
    seedEvents: parsePositiveInt(env.SEED_EVENTS, 5000, 'SEED_EVENTS'),
    // How many reverse proxies in front of the server append to X-Forwarded-For; 0 = use the direct peer only.
    trustedProxyHops: parsePositiveInt(env.TRUSTED_PROXY_HOPS, 0, 'TRUSTED_PROXY_HOPS'),
    // Extra field names to redact from recorded snapshots, on top of the built-in list.
    redactFields: (env.AUDIT_REDACT_FIELDS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    // Ed25519 PKCS#8 PEM that signs chain checkpoints; unset: generated once into DATA_DIR/signing-key.pem.
    signingKeyPem: env.AUDIT_SIGNING_KEY?.trim().replace(/\\n/g, '\n') || undefined,
    // Minutes between automatic signed checkpoints of every organization's chain head; 0 turns them off.
    checkpointMinutes: parsePositiveInt(env.AUDIT_CHECKPOINT_MINUTES, 60, 'AUDIT_CHECKPOINT_MINUTES'),
    // Hours between retention runs inside the server (the first runs a minute after start); 0 turns them off.
    retentionHours: parsePositiveInt(env.AUDIT_RETENTION_HOURS, 24, 'AUDIT_RETENTION_HOURS'),
    // No organization may choose, and the retention job never applies, a shorter period (PCI DSS 10.5.1 keeps a year).
    retentionMinDays: parseDays(env.AUDIT_RETENTION_MIN_DAYS, 365, 'AUDIT_RETENTION_MIN_DAYS', 1, 3650),
    // How long a shortened retention period waits (cancellable by an owner) before the job may act on it.
    retentionDelayDays: parseDays(env.AUDIT_RETENTION_DELAY_DAYS, 7, 'AUDIT_RETENTION_DELAY_DAYS', 1, 365),
    // AES-256 key (64 hex characters or 44 base64) sealing log-stream secrets; unset: generated once into DATA_DIR/stream-key.
    streamSecretKey: env.STREAM_SECRET_KEY?.trim() || undefined,
    // Whether this server process runs the log-stream delivery loop (several instances may: leases share the work).
    streamDelivery: parseBoolean(env.STREAM_DELIVERY, true, 'STREAM_DELIVERY'),
    // Whether destinations may be on loopback, private, link-local or reserved addresses (off: no request forgery into the deployment's network).
    streamAllowPrivateAddresses: parseBoolean(env.STREAM_ALLOW_PRIVATE_ADDRESSES, false, 'STREAM_ALLOW_PRIVATE_ADDRESSES'),
    // Entries per delivered batch (1-1000).
    streamBatchSize: parseRange(env.STREAM_BATCH_SIZE, 100, 'STREAM_BATCH_SIZE', 1, 1000),
    // Seconds a receiver has to answer one batch before the attempt counts as failed.
    streamTimeoutSeconds: parseRange(env.STREAM_TIMEOUT_SECONDS, 10, 'STREAM_TIMEOUT_SECONDS', 1, 300),
    // Longest wait between retries of a failing destination (backoff doubles from 1 s up to this, with jitter).
    streamRetryMaxSeconds: parseRange(env.STREAM_RETRY_MAX_SECONDS, 300, 'STREAM_RETRY_MAX_SECONDS', 1, 86_400),
    // How long a claimed destination stays with one instance unless renewed (after each batch); an instance that dies
    // is taken over this long after. Must exceed STREAM_TIMEOUT_SECONDS.
    streamLeaseSeconds: parseRange(env.STREAM_LEASE_SECONDS, 60, 'STREAM_LEASE_SECONDS', 2, 3600),
    // Consecutive failed attempts after which a destination is shown (and recorded) as unhealthy.
    streamUnhealthyAfter: parseRange(env.STREAM_UNHEALTHY_AFTER, 5, 'STREAM_UNHEALTHY_AFTER', 1, 1000),
    // Signs session cookies; unset: generated once into DATA_DIR/auth-secret (lib/auth/secret.ts).
    authSecret: env.AUTH_SECRET || undefined,
    // Trust the Host header (the deployer's own proxy in front); only AUTH_TRUST_HOST=false turns it off.
    authTrustHost: env.AUTH_TRUST_HOST !== 'false',
    // Cookies the app sets itself get `Secure` in production when the public URL (AUTH_URL) is https.
    secureCookies: env.NODE_ENV === 'production' && env.AUTH_URL?.startsWith('https:') === true,
  };
}

function parseSeedDemo(raw: string | undefined, hasServerDb: boolean): boolean {
  // Seeding a known demo password into a production server would be a hole: default on only for the embedded database.
  if (raw === undefined || raw === '' || raw === 'auto') return !hasServerDb;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`SEED_DEMO must be auto, true or false (got "${raw}")`);
}

function parseBoolean(raw: string | undefined, fallback: boolean, name: string): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false (got "${raw}")`);
}

function parseRange(raw: string | undefined, fallback: number, name: string, min: number, max: number): number {
  const n = parsePositiveInt(raw, fallback, name);
  if (n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  return n;
}

function parseBulkConnections(raw: string | undefined): number {
  const n = parsePositiveInt(raw, 4, 'DATABASE_BULK_CONNECTIONS');
  if (n < 1) throw new Error('DATABASE_BULK_CONNECTIONS must be at least 1');
  return n;
}

function parsePositiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer (got "${raw}")`);
  return n;
}

function parseDays(raw: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new Error(`${name} must be a whole number of days from ${min} to ${max} (got "${raw}")`);
  return n;
}
