import { describe, expect, it } from 'vitest';
import { checkpointToCef } from '@/lib/streams/formats/cef';
import { describeVerification, verifyReceived } from '@/lib/streams/verify-received';
import { parseCef } from '@/tests/support/cef-parse';
import { chainedEvents, checkpointKey, signedCheckpoint } from '@/tests/support/stream-events';

const seeds = (n: number) => Array.from({ length: n }, (_, i) => ({ message: `e${i + 1}` }));

/** A webhook-shaped stream of #1..#n in batches of 4, with checkpoints at `sizes` after the batch reaching each. */
function stream(n: number, sizes: number[]) {
  const events = chainedEvents(seeds(n));
  const key = checkpointKey(events[0]!.org_id);
  const checkpoints = sizes.map((s) => signedCheckpoint(events, s, key.privateKey));
  const bodies = [];
  for (let after = 0; after < n; after += 4) {
    const through = Math.min(n, after + 4);
    const carried = checkpoints.filter((c) => c.tree_size > after && c.tree_size <= through);
    bodies.push({
      type: 'audit.events',
      batch: { after_seq: after, through_seq: through, filter: '' },
      events: events.slice(after, through),
      checkpoints: carried,
    });
  }
  return { events, key, checkpoints, bodies };
}

describe('stream:verify with signed checkpoints', () => {
  it('accepts a stream from #1: every note verifies with the key and every root is rebuilt from the entries', () => {
    const { bodies, key } = stream(10, [3, 8, 10]);
    const v = verifyReceived(bodies, { key: key.vkey });
    expect(v.problem).toBeNull();
    expect(v.ok).toBe(true);
    expect(v.checkpoints).toMatchObject({ count: 3, signaturesChecked: true, rootsMatched: 3, rootsUnchecked: null });
    expect(describeVerification(v)).toBe(
      'received 10 events in 3 batches -> verified through #10; 3 signed checkpoints: signatures verified with the key, 3 roots rebuilt from the received entries and matching',
    );
  });

  it('names a tampered note, a note signed by another key, a forged root and a dropped covered entry', () => {
    const { bodies, key, events } = stream(10, [3, 8, 10]);
    const edited = structuredClone(bodies);
    edited[1]!.checkpoints[0]!.note = edited[1]!.checkpoints[0]!.note.replace('\n8\n', '\n7\n');
    expect(verifyReceived(edited, { key: key.vkey }).problem).toEqual({ seq: 8, message: 'checkpoint at size 8: the signature does not verify' });

    const other = checkpointKey(events[0]!.org_id);
    expect(verifyReceived(bodies, { key: other.vkey }).problem?.message).toMatch(/^checkpoint at size 3: no signature by audit-log\//);

    // Someone holding the key (or a server bug) signs a root the entries do not have.
    const forged = structuredClone(bodies);
    forged[1]!.checkpoints[0] = signedCheckpoint(events, 8, key.privateKey, Buffer.alloc(32, 7));
    const f = verifyReceived(forged, { key: key.vkey });
    expect(f.ok).toBe(false);
    expect(f.problem).toEqual({ seq: 8, message: 'checkpoint at size 8: its signed root does not match the received entries #1–#8' });

    // The record's root edited, the note left alone: caught even without the key.
    const relabelled = structuredClone(bodies);
    relabelled[0]!.checkpoints[0]!.root_hash = Buffer.alloc(32, 1).toString('base64');
    expect(verifyReceived(relabelled).problem?.message).toMatch(/^checkpoint at size 3: its tree_size\/root_hash .* differ from its signed note/);

    // The last entry dropped: no gap between entries shows it, the checkpoint that covers it does.
    const dropped = structuredClone(bodies);
    dropped[2]!.events = dropped[2]!.events.filter((e) => e.seq !== 10);
    expect(verifyReceived(dropped, { key: key.vkey }).problem).toEqual({ seq: 10, message: 'checkpoint at size 10: it covers #10, which was not received' });
  });

  it('a stream not held from #1 or filtered cannot rebuild roots, says so, and still checks signatures and links', () => {
    const { bodies, key } = stream(12, [8, 12]);
    const late = bodies.slice(1);
    const v = verifyReceived(late, { key: key.vkey });
    expect(v.ok).toBe(true);
    expect(v.checkpoints.rootsUnchecked).toMatch(/^received from #5: the checkpoints' roots cover #1 onward/);
    expect(describeVerification(v)).toMatch(/2 signed checkpoints: signatures verified with the key, received from #5/);
    const bad = structuredClone(late);
    bad[0]!.checkpoints[0]!.note = bad[0]!.checkpoints[0]!.note.replace(/ [A-Za-z0-9+/]{10}/, ' AAAAAAAAAA');
    expect(verifyReceived(bad, { key: key.vkey }).problem?.seq).toBe(8);

    const filtered = bodies.map((b) => ({ ...b, batch: { ...b.batch, filter: 'result=failure' }, events: b.events.filter((e) => e.seq % 2 === 0) }));
    const fv = verifyReceived(filtered, { key: key.vkey });
    expect(fv.ok).toBe(true);
    expect(fv.checkpoints.rootsUnchecked).toMatch(/^a filtered stream \(result=failure\) lacks the other entries/);
  });

  it('reads checkpoints out of Splunk envelopes and Datadog logs, and writes a CEF line that carries the note exactly', () => {
    const { events, key } = stream(4, []);
    const cp = signedCheckpoint(events, 4, key.privateKey);
    const splunk = [...events.map((e) => ({ sourcetype: '_json', event: e })), { sourcetype: 'audit:checkpoint', event: cp }];
    expect(verifyReceived(splunk, { key: key.vkey }).checkpoints.rootsMatched).toBe(1);
    const datadog = [...events, cp].map((x) => ({ ddsource: 'audit-log', message: JSON.stringify(x) }));
    expect(verifyReceived(datadog, { key: key.vkey }).checkpoints.rootsMatched).toBe(1);
    const cef = parseCef(checkpointToCef(cp));
    expect(cef.header.slice(4, 7)).toEqual(['audit.checkpoint', 'Signed checkpoint', '1']);
    expect(cef.extension).toMatchObject({ cn1: '4', cs1: cp.root_hash, cs2: cp.note, cs2Label: 'note' });
  });
});
