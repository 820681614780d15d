import { CompactRange, leafHash } from '@/lib/chain/merkle';
import { openNote, parseCheckpointText, parseVerifierKey } from '@/lib/chain/signed-note';
import type { StreamCheckpoint } from './sink';

type Entry = { seq: number; hash: string };
type Problem = { seq: number; message: string };

export type ReceivedCheckpoints = {
  /** Distinct checkpoints received. */
  count: number;
  /** Whether each note's signature was checked (a verifier key was given). */
  signaturesChecked: boolean;
  /** Checkpoints whose root was recomputed from the received entries and matched. */
  rootsMatched: number;
  /** Why the entries could not be checked against the roots (a filtered stream, or one not received from #1); null when they were. */
  rootsUnchecked: string | null;
  problems: Problem[];
};

/**
 * Checks received checkpoints: each signed note opens with the verifier key (when given: "<origin>+<key id>+<key>",
 * the Integrity page's), says the size and root its record repeats, and - for an unfiltered stream held from #1 -
 * the RFC 6962 root over the received entries' hashes #1..size equals the signed root, so every covered entry is
 * there and unaltered. A filtered stream, or one received from a later entry, cannot rebuild the roots: said, not
 * failed. Throws on a malformed key. Pure.
 */
export function verifyReceivedCheckpoints(
  checkpoints: readonly StreamCheckpoint[],
  entries: ReadonlyMap<number, Entry>,
  opts: { key?: string; filter: string },
): ReceivedCheckpoints {
  const verifier = opts.key ? parseVerifierKey(opts.key) : null;
  const problems: Problem[] = [];
  const distinct = new Map<string, StreamCheckpoint>();
  for (const c of checkpoints) distinct.set(c.note, c);
  const sorted = [...distinct.values()].sort((a, b) => a.tree_size - b.tree_size);
  const rootsUnchecked = opts.filter
    ? `a filtered stream (${opts.filter}) lacks the other entries, so they cannot be checked against the checkpoints' roots`
    : !entries.has(1) && entries.size > 0
      ? `received from #${Math.min(...entries.keys())}: the checkpoints' roots cover #1 onward, so entries cannot be checked against them`
      : null;
  // Folded once, in order: each checkpoint's root is the tree at its size.
  const tree = new CompactRange();
  let rootsMatched = 0;
  const rootsAt = new Map<number, string>();
  for (const c of sorted) {
    const at = `checkpoint at size ${c.tree_size}`;
    const problem = (message: string) => problems.push({ seq: c.tree_size, message: `${at}: ${message}` });
    let text: string;
    if (verifier) {
      const opened = openNote(c.note, verifier.name, verifier.publicKey);
      if (!opened.ok) {
        problem(opened.reason);
        continue;
      }
      text = opened.text;
    } else {
      const split = c.note.lastIndexOf('\n\n');
      text = split < 0 ? '' : c.note.slice(0, split + 1);
    }
    const body = parseCheckpointText(text);
    if (!body) {
      problem('its note is not a checkpoint');
      continue;
    }
    const root = body.root.toString('base64');
    if (body.size !== c.tree_size || root !== c.root_hash) {
      problem(`its tree_size/root_hash (${c.tree_size}, ${c.root_hash}) differ from its signed note (${body.size}, ${root})`);
      continue;
    }
    const seen = rootsAt.get(body.size);
    if (seen !== undefined && seen !== root) problem('two signed roots for the same size (the log forked)');
    rootsAt.set(body.size, root);
    if (rootsUnchecked !== null) continue;
    while (tree.size < body.size && entries.has(tree.size + 1)) tree.append(leafHash(entries.get(tree.size + 1)!.hash));
    if (tree.size < body.size) {
      problem(`it covers #${tree.size + 1}, which was not received`);
      break;
    }
    if (!tree.root().equals(body.root)) {
      problem(`its signed root does not match the received entries #1–#${body.size}`);
      break;
    }
    rootsMatched += 1;
  }
  return { count: sorted.length, signaturesChecked: verifier !== null, rootsMatched, rootsUnchecked, problems };
}
