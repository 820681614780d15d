'use client';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** A failed query is shown as a failure, never as an empty log. */
export default function AuditError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-4">
      <Alert tone="error">
        <p className="font-medium">The audit log could not be loaded.</p>
        <p className="mt-1">
          This is a server problem, not an empty log. Try again; if it keeps failing, give support this reference: <code>{error.digest ?? 'unknown'}</code>
        </p>
      </Alert>
      <Button variant="outline" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
