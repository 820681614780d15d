'use client';

import { useActionState } from 'react';
import { deleteStreamDestinationAction, replayStreamAction, sendStreamTestAction, setStreamPausedAction } from '@/app/(admin)/streams/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ActionMessage } from './action-message';

/** Test, pause/resume, replay and delete for one destination (owners and admins). */
export function StreamDestinationControls({ id, name, paused, firstSeq }: { id: string; name: string; paused: boolean; firstSeq: number | null }) {
  const [testState, testAction, testing] = useActionState(sendStreamTestAction, null);
  const [pauseState, pauseAction, pausing] = useActionState(setStreamPausedAction, null);
  const [replayState, replayAction, replaying] = useActionState(replayStreamAction, null);
  const [deleteState, deleteAction, deleting] = useActionState(deleteStreamDestinationAction, null);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-2">
        <form action={testAction}>
          <input type="hidden" name="destinationId" value={id} />
          <Button type="submit" size="sm" variant="outline" disabled={testing}>
            {testing ? 'Sending…' : 'Send test event'}
          </Button>
        </form>
        <form action={pauseAction}>
          <input type="hidden" name="destinationId" value={id} />
          <input type="hidden" name="paused" value={paused ? 'false' : 'true'} />
          <Button type="submit" size="sm" variant="outline" disabled={pausing}>
            {paused ? 'Resume' : 'Pause'}
          </Button>
        </form>
        <form action={replayAction} className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="destinationId" value={id} />
          <div className="flex items-center gap-2">
            <Label htmlFor={`replay-${id}`} className="text-xs">
              Replay from
            </Label>
            <Input id={`replay-${id}`} name="from" required className="h-8 w-52 text-xs" placeholder={firstSeq ? `#${firstSeq} or 2026-11-01T00:00Z` : '#1'} />
          </div>
          <Button type="submit" size="sm" variant="outline" disabled={replaying}>
            Replay
          </Button>
        </form>
        <form
          action={deleteAction}
          onSubmit={(e) => {
            if (!confirm(`Delete "${name}"? Delivery stops; its secret is discarded.`)) e.preventDefault();
          }}
        >
          <input type="hidden" name="destinationId" value={id} />
          <Button type="submit" size="sm" variant="ghost" className="text-red-700 dark:text-red-400" disabled={deleting} aria-label={`Delete ${name}`}>
            Delete
          </Button>
        </form>
      </div>
      <ActionMessage state={testState} success="Test event delivered." />
      <ActionMessage state={pauseState} success={pauseState?.ok ? (pauseState.data.paused ? 'Paused: entries wait, nothing is dropped.' : 'Resumed.') : null} />
      <ActionMessage state={replayState} success={replayState?.ok ? `Replaying from #${replayState.data.fromSeq}.` : null} />
      <ActionMessage state={deleteState?.ok ? null : deleteState} />
    </div>
  );
}
