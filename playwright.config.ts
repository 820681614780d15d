import path from 'node:path';
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
// A data folder of its own, wiped before the server starts, so e2e never shares PGlite with `npm start`.
const dataDir = path.resolve(process.env.E2E_DATA_DIR ?? '.data/e2e');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  // Two shared cores: a PDF layout or a cold embedded query can take seconds while other work runs.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    timezoneId: 'America/Los_Angeles',
    locale: 'en-US',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `rm -rf "${dataDir}" && node scripts/start.mjs`,
    url: `http://127.0.0.1:${port}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    // A floor under Acme's seeded 365 days lets tests/e2e/retention.spec.ts schedule a shorter period (and cancel it).
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_DEMO: 'true',
      SEED_EVENTS: '3000',
      DATABASE_URL: '',
      AUDIT_RETENTION_MIN_DAYS: '180',
      // tests/e2e/streams.spec.ts delivers to a webhook receiver on loopback.
      STREAM_ALLOW_PRIVATE_ADDRESSES: 'true',
      // tests/e2e/streams.spec.ts makes its receiver fail for a while: retry within seconds, not minutes.
      STREAM_RETRY_MAX_SECONDS: '2',
      STREAM_TIMEOUT_SECONDS: '5',
      STREAM_UNHEALTHY_AFTER: '2',
    },
  },
});
