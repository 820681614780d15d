'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';

/** A secret or link shown once after it is made (API key, invitation link), with a Copy button. */
export function ShownOnce({ value, testId }: { value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900" data-testid={testId}>
        {value}
      </code>
      <Button
        type="button"
        size="sm"
        variant="outline"
        onClick={async () => {
          await navigator.clipboard.writeText(value);
          setCopied(true);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}
