import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMaybe } from '@/lib/format/dates';

export type SessionListItem = { id: string; createdAt: Date; ip: string | null; userAgent: string | null };

/** The user's live sessions (started, address, browser), with the one making this request marked. */
export function SessionList({ sessions, currentId, zone }: { sessions: SessionListItem[]; currentId: string; zone: string }) {
  return (
    <Table aria-label="Signed-in sessions">
      <TableHeader>
        <tr>
          <TableHead>Started</TableHead>
          <TableHead>IP</TableHead>
          <TableHead>Browser</TableHead>
          <TableHead>
            <span className="sr-only">This browser</span>
          </TableHead>
        </tr>
      </TableHeader>
      <TableBody>
        {sessions.map((s) => (
          <TableRow key={s.id} data-session={s.id === currentId ? 'current' : 'other'}>
            <TableCell className="whitespace-nowrap font-mono text-xs">{formatMaybe(s.createdAt, zone)}</TableCell>
            <TableCell className="font-mono text-xs">{s.ip ?? '—'}</TableCell>
            <TableCell className="max-w-md truncate text-xs" title={s.userAgent ?? undefined}>
              {s.userAgent ?? '—'}
            </TableCell>
            <TableCell className="text-xs font-medium">{s.id === currentId ? 'this browser' : null}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
