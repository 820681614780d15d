'use client';

import { useActionState } from 'react';
import { createCheckpointAction, verifyChainAction } from '@/app/(admin)/integrity/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { ChainCheck } from '@/lib/chain/check-chain';
import { ActionMessage } from './action-message';

/** How this run went about it: from where, and why it fell back to everything or served an older result. */
function scopeNote(result: ChainCheck): string {
  const scope = result.incremental
    ? `new entries after #${result.fromSeq}, linked to the last verified one`
    : result.fromSeq > 0
      ? `everything from the retention anchor #${result.fromSeq}`
      : 'everything';
  const fallback = result.fullBecause ? ` Checked everything because ${result.fullBecause}.` : '';
  const stale = result.stale ? ` Another verification was running: this is the last stored result (${result.verifiedAt}).` : '';
  return `Checked ${scope}.${fallback}${stale}`;
}

function VerificationOutcome({ result }: { result: ChainCheck }) {
  if (result.ok) {
    const at = result.verifiedThrough.occurredAt;
    return (
      <Alert tone="info">
        <span data-testid="integrity-ok">
          Verified through #{result.verifiedThrough.seq}
          {at ? ` at ${at}` : ''} ({result.count.toLocaleString('en-US')} entries checked).
        </span>{' '}
        <span data-testid="integrity-scope">{scopeNote(result)}</span>
      </Alert>
    );
  }
  return (
    <Alert tone="error">
      <span data-testid="integrity-broken">
        The chain breaks at entry #{result.at}
        {result.eventId ? ` (event ${result.eventId})` : ''}: {result.reason.replace(/_/g, ' ')}. {result.detail}. Entries up to #{result.verifiedThrough.seq}{' '}
        verified.
      </span>{' '}
      <span data-testid="integrity-scope">{scopeNote(result)}</span>
    </Alert>
  );
}

/**
 * "Verify now" (what was appended since the last verification), "Verify everything" (the whole chain again)
 * and "Sign checkpoint" buttons with their outcomes.
 */
export function IntegrityControls() {
  const [verified, verify, verifying] = useActionState(verifyChainAction, null);
  const [signed, sign, signing] = useActionState(createCheckpointAction, null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-3">
        <form action={verify}>
          <input type="hidden" name="mode" value="incremental" />
          <Button type="submit" disabled={verifying}>
            {verifying ? 'Verifying…' : 'Verify now'}
          </Button>
        </form>
        <form action={verify}>
          <input type="hidden" name="mode" value="full" />
          <Button type="submit" variant="outline" disabled={verifying}>
            Verify everything
          </Button>
        </form>
        <form action={sign}>
          <Button type="submit" variant="outline" disabled={signing}>
            {signing ? 'Signing…' : 'Sign checkpoint'}
          </Button>
        </form>
      </div>
      {verified?.ok ? <VerificationOutcome result={verified.data} /> : <ActionMessage state={verified} />}
      <ActionMessage state={signed} success={signed?.ok ? `Signed a checkpoint of entry #${signed.data.seq}.` : null} />
    </div>
  );
}
