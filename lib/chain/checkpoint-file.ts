import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '@/db/client';
import { listCheckpointsAfter, lockCheckpointFile } from '@/db/queries/chain-checkpoints';
import { verifyCheckpoint } from '@/lib/chain/checkpoints';
import { parseCheckpointText } from '@/lib/chain/signed-note';

/**
 * The checkpoints leave the database: every signed note (C2SP tlog-checkpoint) of an organization is appended to
 * DATA_DIR/checkpoints/<org id>.log, one after the other, each followed by a blank line. Only ever appended to; keep
 * it where the database's administrator cannot write (or make it append-only: `chattr +a`), or ship it elsewhere.
 */
export function checkpointFilePath(dataDir: string, orgId: string): string {
  return path.join(dataDir, 'checkpoints', `${orgId}.log`);
}

/** One note found in a checkpoints file, with the line it starts on (1-based). */
export type FileNote = { line: number; note: string };

/** Splits a checkpoints file into its notes: text lines, a blank line, signature lines ("— …"), a blank line. */
export function parseCheckpointFile(content: string): FileNote[] {
  const lines = content.split('\n');
  const notes: FileNote[] = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i] === '') i++;
    if (i >= lines.length) break;
    const start = i;
    const text: string[] = [];
    while (i < lines.length && lines[i] !== '') text.push(lines[i++]!);
    i++; // the blank line before the signatures
    const sigs: string[] = [];
    while (i < lines.length && lines[i]!.startsWith('\u2014 ')) sigs.push(lines[i++]!);
    notes.push({ line: start + 1, note: `${text.join('\n')}\n\n${sigs.join('\n')}\n` });
  }
  return notes;
}

export function readCheckpointFile(file: string): FileNote[] {
  try {
    return parseCheckpointFile(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The notes of a checkpoints file as verification takes them, each named by file and line. */
export function notesFromFile(file: string): { source: string; note: string }[] {
  return readCheckpointFile(file).map((n) => ({ source: `${file} line ${n.line}`, note: n.note }));
}

/**
 * Appends the organization's checkpoints signed since the file's newest one (any instance may have signed them) after
 * checking each signature with `publicKeyPem`; returns how many. Run after the checkpoint's transaction commits.
 * Under the file's lock: processes sharing DATA_DIR (WEB_CONCURRENCY workers) read and append one at a time.
 */
export async function publishCheckpoints(db: Db, orgId: string, dataDir: string, publicKeyPem: string): Promise<number> {
  return db.transaction(async (tx) => {
    await lockCheckpointFile(tx, orgId);
    const file = checkpointFilePath(dataDir, orgId);
    const sizes = readCheckpointFile(file).map((n) => parseCheckpointText(n.note)?.size ?? -1);
    const newest = sizes.length ? Math.max(...sizes) : -1;
    const rows = (await listCheckpointsAfter(tx, orgId, newest)).filter((r) => r.note && verifyCheckpoint(r, publicKeyPem));
    if (rows.length === 0) return 0;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, rows.map((r) => `${r.note}\n`).join(''), { mode: 0o644 });
    return rows.length;
  });
}
