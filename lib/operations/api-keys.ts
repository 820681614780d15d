import 'server-only';
import { z } from 'zod';
import { insertApiKey, revokeApiKey } from '@/db/queries/api-keys';
import { defineOperation } from '@/lib/recording/operation';
import { generateApiKey } from '@/lib/auth/api-keys';
import { DomainError } from '@/lib/errors';

const keySnapshot = (k: { name: string; prefix: string; revokedAt?: Date | null }) => ({
  name: k.name,
  prefix: k.prefix,
  status: k.revokedAt ? 'revoked' : 'active',
});

export const createApiKeyOperation = defineOperation({
  permission: 'apikeys:manage',
  action: 'generate',
  objectType: 'api_key',
  module: 'Security',
  describe: 'create an API key',
  schema: z.object({ name: z.string().trim().min(1, { error: 'Give the key a name.' }).max(80, { error: 'Keep the name under 80 characters.' }) }),
  target: (raw) => ({ objectLabel: typeof raw.name === 'string' ? raw.name.slice(0, 80) : null }),
  async run(tx, input, ctx) {
    const { key, prefix, secretHash } = generateApiKey();
    const row = await insertApiKey(tx, ctx.org.orgId, { name: input.name, prefix, secretHash, createdBy: ctx.user.id });
    return {
      // The secret leaves the server exactly once, in this response; the log records only its prefix.
      data: { id: row.id, name: row.name, prefix, key },
      audit: { objectId: row.id, objectLabel: `${row.name} (${prefix})`, message: `Created API key "${row.name}" (${prefix}…)`, after: keySnapshot(row) },
    };
  },
});

export const revokeApiKeyOperation = defineOperation({
  permission: 'apikeys:manage',
  action: 'delete',
  objectType: 'api_key',
  module: 'Security',
  describe: 'revoke an API key',
  schema: z.object({ keyId: z.uuid({ error: 'Unknown API key.' }) }),
  target: (raw) => ({ objectId: typeof raw.keyId === 'string' ? raw.keyId.slice(0, 64) : null }),
  async run(tx, input, ctx) {
    const row = await revokeApiKey(tx, ctx.org.orgId, input.keyId, new Date());
    if (!row) throw new DomainError('That API key does not exist or is already revoked.');
    return {
      data: { id: row.id },
      audit: {
        objectId: row.id,
        objectLabel: `${row.name} (${row.prefix})`,
        message: `Revoked API key "${row.name}" (${row.prefix}…)`,
        before: keySnapshot({ ...row, revokedAt: null }),
        after: keySnapshot(row),
      },
    };
  },
});
