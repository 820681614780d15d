import type { Metadata } from 'next';
import { getDb } from '@/lib/boot/app-db';
import { IntegrityControls } from '@/components/admin/integrity-controls';
import { PageHeader } from '@/components/admin/page-header';
import { STACKED, StackedCell, Table, TableBody, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { listCheckpoints } from '@/db/queries/chain-checkpoints';
import { getStoredVerification } from '@/db/queries/chain-verifications';
import { createPublicKey } from 'node:crypto';
import { checkpointOrigin } from '@/lib/chain/checkpoints';
import { verifierKey } from '@/lib/chain/signed-note';
import { getSigningKey } from '@/lib/chain/signing-key';
import { requirePermission } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Integrity' };

export default async function IntegrityPage() {
  const { org } = await requirePermission('integrity:verify');
  const db = await getDb();
  const checkpoints = await listCheckpoints(db, org.orgId, 20);
  const last = await getStoredVerification(db, org.orgId);
  const { fingerprint, publicKeyPem } = getSigningKey();
  const vkey = verifierKey(checkpointOrigin(org.orgId), createPublicKey(publicKeyPem));
  return (
    <div className="space-y-6">
      <PageHeader
        title="Integrity"
        description="Every entry carries a SHA-256 hash over its content and the previous entry's hash. Verify now checks what was appended since the last verification, linked to the last verified entry; Verify everything recomputes the whole chain. Each run is recorded."
      />
      {last ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="integrity-last">
          Last verification {last.verifiedAt.toISOString()}: {last.ok ? `intact through #${last.seq}` : `BROKEN after #${last.seq}`}.
        </p>
      ) : null}
      <IntegrityControls />
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Signed checkpoints</h2>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Ed25519 signatures of the chain head, key fingerprint <code className="break-all">{fingerprint}</code>, each also a C2SP tlog-checkpoint (the RFC 6962
          Merkle root of every entry up to it) appended to this server&apos;s checkpoints file. Download them with{' '}
          <code>GET /api/v1/integrity/checkpoints?format=note</code> and keep them outside this database; verification checks every one of them.
        </p>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Verifier key:{' '}
          <code className="break-all" data-testid="integrity-vkey">
            {vkey}
          </code>
        </p>
        {checkpoints.length === 0 ? (
          <p className="text-sm">No checkpoints yet.</p>
        ) : (
          <Table aria-label="Signed checkpoints" className={STACKED.table} wrapperClassName={STACKED.wrapper}>
            <TableHeader className={STACKED.header}>
              <TableRow>
                <TableHead>Entry</TableHead>
                <TableHead>Signed at (UTC)</TableHead>
                <TableHead>Hash</TableHead>
                <TableHead>Merkle root</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody className={STACKED.body}>
              {checkpoints.map((c) => (
                <TableRow key={c.id} className={STACKED.row}>
                  <StackedCell label="Entry">#{c.seq}</StackedCell>
                  <StackedCell label="Signed at (UTC)">{c.signedAt.toISOString()}</StackedCell>
                  <StackedCell label="Hash" className="font-mono text-xs break-all">
                    {c.hash}
                  </StackedCell>
                  <StackedCell label="Merkle root" className="font-mono text-xs break-all">
                    {c.rootHash ?? '—'}
                  </StackedCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>
    </div>
  );
}
