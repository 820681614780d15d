/**
 * npm run stream:verify -- <file|dir>...: checks what a log-stream receiver stored (webhook bodies as JSON lines or
 * JSON files, or arrays of events). Prints `received N events -> verified through #M` or the first gap or change;
 * exits 1 on a problem, 2 on unreadable input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeVerification, verifyReceived } from '@/lib/streams/verify-received';

function filesOf(target: string): string[] {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return [target];
  return fs
    .readdirSync(target)
    .filter((f) => /\.(jsonl?|ndjson)$/i.test(f))
    .sort()
    .map((f) => path.join(target, f));
}

function parseFile(file: string): unknown[] {
  const text = fs.readFileSync(file, 'utf8').trim();
  if (text === '') return [];
  try {
    return [JSON.parse(text)];
  } catch {
    // JSON lines: one body or event per line.
    return text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new Error(`${file}:${i + 1}: not JSON`);
        }
      });
  }
}

const targets = process.argv.slice(2).filter((a) => a !== '--');
if (targets.length === 0) {
  console.error('usage: npm run stream:verify -- <file|dir>...');
  process.exit(2);
}
let items: unknown[];
try {
  items = targets.flatMap(filesOf).flatMap(parseFile);
} catch (error) {
  console.error(`stream:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const result = verifyReceived(items);
console.log(describeVerification(result));
process.exit(result.ok ? 0 : 1);
