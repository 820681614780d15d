import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readOrCreateFile } from '@/lib/boot/data-dir-file';

const run = promisify(execFile);
const moduleUrl = new URL('../../lib/boot/data-dir-file.ts', import.meta.url).href;
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-file-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('generated files in DATA_DIR (auth secret, stream key, signing key)', () => {
  it('creates the file once, readable by its owner only, and reads it back afterwards', () => {
    const file = path.join(tempDir(), 'nested', 'secret');
    expect(readOrCreateFile(file, () => 'first')).toBe('first');
    expect(readOrCreateFile(file, () => 'second')).toBe('first');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secret']);
  });

  it('gives processes racing to create it all the same, complete content', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'secret');
    // Each process makes a long value of its own: a reader of a half-written file would see a prefix.
    const script = `const m = await import(${JSON.stringify(moduleUrl)}); process.stdout.write(m.readOrCreateFile(${JSON.stringify(file)}, () => String(process.pid).repeat(50000)));`;
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { maxBuffer: 1 << 24 })),
    );
    const seen = new Set(outputs.map((o) => o.stdout));
    expect(seen.size).toBe(1);
    const [content] = [...seen];
    expect(content).toBe(fs.readFileSync(file, 'utf8'));
    expect(content!.length).toBeGreaterThanOrEqual(50000 * 3);
    expect(fs.readdirSync(dir)).toEqual(['secret']);
  });
});
