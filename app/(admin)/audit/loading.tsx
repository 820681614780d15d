import { AuditTableSkeleton } from '@/components/audit/audit-table';

export default function Loading() {
  return <AuditTableSkeleton />;
}
