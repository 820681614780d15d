/**
 * npm run stream:verify -- [--key '<verifier key>'] <file|dir>...: checks what a log-stream receiver stored (webhook
 * bodies as JSON lines or JSON files, arrays of events, Splunk HEC envelopes, Datadog logs, checkpoint records).
 * With --key (the Integrity page's verifier key) every signed checkpoint's note is verified too. Prints
 * `received N events -> verified through #M; K signed checkpoints: ...` or the first gap, change or bad checkpoint;
 * exits 1 on a problem, 2 on unreadable input or a malformed key.
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

const args = process.argv.slice(2).filter((a) => a !== '--');
let key: string | undefined;
const targets: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--key') key = args[++i];
  else if (arg.startsWith('--key=')) key = arg.slice('--key='.length);
  else targets.push(arg);
}
if (targets.length === 0 || (args.some((a) => a === '--key' || a.startsWith('--key=')) && !key)) {
  console.error("usage: npm run stream:verify -- [--key '<verifier key>'] <file|dir>...");
  process.exit(2);
}
let items: unknown[];
try {
  items = targets.flatMap(filesOf).flatMap(parseFile);
} catch (error) {
  console.error(`stream:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
let result: ReturnType<typeof verifyReceived>;
try {
  result = verifyReceived(items, { key });
} catch (error) {
  console.error(`stream:verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
console.log(describeVerification(result));
process.exit(result.ok ? 0 : 1);
