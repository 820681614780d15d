// `npm test`: the whole gate. Format check + lint + typecheck, then a production build, vitest (unit + integration on
// both databases; one file starts the built app) and Playwright in real Chromium. Ends with one summary line summed
// over both runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const CI = process.env.CI === 'true' || process.env.CI === '1';
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });

function run(label, cmd, args, env = {}) {
  console.log(`\n[test] ${label}: ${path.basename(cmd)} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function finish(passed, failed, skipped, extra = '') {
  const line = `tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  writeFileSync(path.join(results, 'summary.txt'), line + '\n');
  if (extra) console.log(extra);
  console.log(line);
  process.exit(failed > 0 ? 1 : 0);
}

for (const f of ['vitest.json', 'e2e.json', 'summary.txt']) rmSync(path.join(results, f), { force: true });

if (
  !run('format', bin('prettier'), ['--check', '--log-level=warn', '.']) ||
  !run('lint', bin('eslint'), ['--max-warnings=0', '.']) ||
  !run('typecheck', bin('tsc'), ['--noEmit'])
) {
  finish(0, 1, 0, '[test] format/lint/typecheck gate failed (npx prettier --write . formats)');
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The production build before vitest: tests/integration/cluster.test.ts starts the built app, as Playwright does.
const built = run('build', bin('next'), ['build']);
run('unit + integration', bin('vitest'), ['run']);
const v = readJson(path.join(results, 'vitest.json'));
let passed = v?.numPassedTests ?? 0;
let failed = v ? v.numFailedTests + (v.numFailedTestSuites ?? 0) : 1;
let skipped = v ? (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0) : 0;

if (!existsSync(chromium)) {
  console.error(`[test] no Chromium at ${chromium}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  failed += 1;
} else if (!built) {
  failed += 1;
} else {
  const e2eData = path.join(root, '.data', `e2e-${process.pid}`);
  run('e2e', bin('playwright'), ['test'], { E2E_DATA_DIR: e2eData });
  rmSync(e2eData, { recursive: true, force: true });
  const p = readJson(path.join(results, 'e2e.json'));
  if (!p) failed += 1;
  else {
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected;
    skipped += p.stats.skipped;
  }
}

// In CI nothing may be skipped for lack of a browser or a database: a skip there is a failure.
if (CI && skipped > 0) finish(passed, failed + skipped, 0, `[test] ${skipped} skipped test(s) in CI count as failures`);
finish(passed, failed, skipped);
