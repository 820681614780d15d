'use client';

import { useActionState } from 'react';
import { createCheckpointAction, verifyChainAction } from '@/app/(admin)/integrity/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { ChainVerification } from '@/lib/chain/verify';
import { ActionMessage } from './action-message';

function VerificationOutcome({ result }: { result: ChainVerification }) {
  if (result.ok) {
    const at = result.verifiedThrough.occurredAt;
    return (
      <Alert tone="info">
        <span data-testid="integrity-ok">
          Verified through #{result.verifiedThrough.seq}
          {at ? ` at ${at}` : ''} ({result.count.toLocaleString('en-US')} entries checked).
        </span>
      </Alert>
    );
  }
  return (
    <Alert tone="error">
      <span data-testid="integrity-broken">
        The chain breaks at entry #{result.at}
        {result.eventId ? ` (event ${result.eventId})` : ''}: {result.reason.replace(/_/g, ' ')}. {result.detail}. Entries up to #{result.verifiedThrough.seq}{' '}
        verified.
      </span>
    </Alert>
  );
}

/** "Verify now" and "Sign checkpoint" buttons with their outcomes. */
export function IntegrityControls() {
  const [verified, verify, verifying] = useActionState(verifyChainAction, null);
  const [signed, sign, signing] = useActionState(createCheckpointAction, null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-3">
        <form action={verify}>
          <Button type="submit" disabled={verifying}>
            {verifying ? 'Verifying…' : 'Verify now'}
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
