'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';

type CopyState = 'idle' | 'copied' | 'failed';
const LABEL: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', failed: 'Copy failed' };

/** A small "Copy" button for one value; `what` names it for screen readers ("Copy event id"). */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const [state, setState] = useState<CopyState>('idle');

  async function copy() {
    try {
      // The Clipboard API is missing outside secure contexts (plain http on a LAN address).
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  }

  return (
    <Button type="button" variant="outline" size="sm" className="h-6 gap-0 px-2 text-[11px]" onClick={copy}>
      <span aria-live="polite">{LABEL[state]}</span>
      <span className="sr-only">&nbsp;{what}</span>
    </Button>
  );
}
