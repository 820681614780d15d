/**
 * Opens an exported .xlsx in LibreOffice (headless) and converts its first sheet back to CSV, to prove
 * that a real spreadsheet program reads every row. Used by bench/run.ts; also runnable alone:
 * `npx tsx bench/xlsx-libreoffice.ts file.xlsx EXPECTED_ROWS`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { csvRecords } from './lib/csv-records';

export function findLibreOffice(): string | null {
  return ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/local/bin/soffice'].find((p) => existsSync(p)) ?? null;
}

export type RoundTrip = { version: string; seconds: number; dataRows: number; header: string[]; firstRow: string[] };

/** Converts `xlsxPath` to CSV with LibreOffice and returns the data rows it saw (header excluded). */
export function convertWithLibreOffice(xlsxPath: string): RoundTrip {
  const soffice = findLibreOffice();
  if (!soffice) throw new Error('LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)');
  const dir = mkdtempSync(path.join(tmpdir(), 'xlsx-lo-'));
  try {
    const started = performance.now();
    // 44 = comma, 34 = double quote, 76 = UTF-8; a private profile so a running LibreOffice is not disturbed.
    execFileSync(
      soffice,
      [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', dir, xlsxPath],
      { stdio: 'pipe', timeout: 15 * 60_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    const csv = readFileSync(path.join(dir, `${path.basename(xlsxPath, '.xlsx')}.csv`), 'utf8');
    const records = csvRecords(csv.replace(/^\uFEFF/, ''));
    const version = execFileSync(soffice, ['--version'], { encoding: 'utf8' }).trim();
    return { version, seconds, dataRows: records.length - 1, header: records[0] ?? [], firstRow: records[1] ?? [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [file, expected] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/xlsx-libreoffice.ts FILE.xlsx [EXPECTED_ROWS]');
  const r = convertWithLibreOffice(file);
  console.log(
    `${r.version}: ${r.dataRows} data rows in ${r.seconds.toFixed(1)} s${expected ? ` (expected ${expected}: ${Number(expected) === r.dataRows ? 'match' : 'MISMATCH'})` : ''}`,
  );
  if (expected && Number(expected) !== r.dataRows) process.exitCode = 1;
}
