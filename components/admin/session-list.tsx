import { STACKED, StackedCell, Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMaybe } from '@/lib/format/dates';

export type SessionListItem = { id: string; createdAt: Date; ip: string | null; userAgent: string | null };

/** The user's live sessions (started, address, browser), with the one making this request marked; cards on a phone. */
export function SessionList({ sessions, currentId, zone }: { sessions: SessionListItem[]; currentId: string; zone: string }) {
  return (
    <Table aria-label="Signed-in sessions" className={STACKED.table} wrapperClassName={STACKED.wrapper}>
      <TableHeader className={STACKED.header}>
        <tr>
          <TableHead>Started</TableHead>
          <TableHead>IP</TableHead>
          <TableHead>Browser</TableHead>
          <TableHead>
            <span className="sr-only">This browser</span>
          </TableHead>
        </tr>
      </TableHeader>
      <TableBody className={STACKED.body}>
        {sessions.map((s) => (
          <TableRow key={s.id} data-session={s.id === currentId ? 'current' : 'other'} className={STACKED.row}>
            <StackedCell label="Started" className="whitespace-nowrap font-mono text-xs">
              {formatMaybe(s.createdAt, zone)}
            </StackedCell>
            <StackedCell label="IP" className="font-mono text-xs">
              {s.ip ?? '—'}
            </StackedCell>
            <StackedCell label="Browser" className="text-xs md:max-w-md md:truncate" title={s.userAgent ?? undefined}>
              {s.userAgent ?? '—'}
            </StackedCell>
            <TableCell className="text-xs font-medium max-md:block max-md:px-0 max-md:py-0.5 max-md:empty:hidden">
              {s.id === currentId ? 'this browser' : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
