import type { Random } from '@/lib/seed/random';

/** What an admin console audits: each kind knows how to create and change a realistic snapshot. */
export type ObjectKind = {
  type: string;
  module: string;
  projectScoped: boolean;
  /** Verbs besides create/update/delete that this kind sees (publish, send, generate...). */
  extraActions: readonly string[];
  create(r: Random, n: number): Record<string, unknown>;
  update(r: Random, s: Record<string, unknown>): Record<string, unknown>;
  label(s: Record<string, unknown>): string;
};

const WORDS = ['invoice', 'orders', 'billing', 'customer', 'payments', 'inventory', 'refunds', 'ledger', 'search', 'reports'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1'];
const title = (w: string) => w[0]!.toUpperCase() + w.slice(1);

export const OBJECT_KINDS: readonly ObjectKind[] = [
  {
    type: 'account',
    module: 'Billing',
    projectScoped: false,
    extraActions: [],
    create: (r, n) => ({
      name: `${title(r.pick(WORDS))} account ${n}`,
      plan: r.pick(['starter', 'team', 'enterprise']),
      seats: r.int(5, 200),
      billing_email: `billing${n}@customer.example`,
      status: 'active',
    }),
    update: (r, s) =>
      r.chance(0.5)
        ? { ...s, plan: r.pick(['starter', 'team', 'enterprise']), seats: r.int(5, 400) }
        : { ...s, status: r.pick(['active', 'suspended', 'past_due']) },
    label: (s) => String(s.name),
  },
  {
    type: 'ingress_route',
    module: 'Networking',
    projectScoped: true,
    extraActions: ['publish'],
    create: (r, n) => ({
      host: `${r.pick(WORDS)}.acme.example`,
      path: `/v${r.int(1, 3)}/${r.pick(WORDS)}/${n}`,
      upstream: `http://svc-${r.pick(WORDS)}:${r.pick([8080, 9000, 3000])}`,
      tls: true,
      limits: { rate: r.pick([50, 100, 500]), burst: r.pick([100, 200, 1000]) },
    }),
    update: (r, s) =>
      r.chance(0.5)
        ? { ...s, limits: { ...(s.limits as object), rate: r.pick([25, 50, 100, 250, 500, 1000]) } }
        : { ...s, upstream: `http://svc-${r.pick(WORDS)}:${r.pick([8080, 9000, 3000])}`, tls: r.chance(0.9) },
    label: (s) => `${s.host}${s.path}`,
  },
  {
    type: 'flow',
    module: 'Automation',
    projectScoped: true,
    extraActions: ['publish'],
    create: (r, n) => ({
      name: `${title(r.pick(WORDS))} sync ${n}`,
      trigger: r.pick(['schedule', 'webhook', 'event']),
      schedule: r.pick(['*/5 * * * *', '0 * * * *', '0 3 * * *']),
      enabled: false,
      steps: [
        { kind: 'fetch', target: r.pick(WORDS) },
        { kind: 'transform', script: 'map.js' },
      ],
    }),
    update: (r, s) =>
      r.chance(0.4)
        ? { ...s, enabled: !s.enabled }
        : {
            ...s,
            schedule: r.pick(['*/5 * * * *', '*/15 * * * *', '0 * * * *', '0 3 * * *']),
            steps: [...(s.steps as unknown[]).slice(0, 2), ...(r.chance(0.5) ? [{ kind: 'notify', channel: r.pick(['email', 'slack']) }] : [])],
          },
    label: (s) => String(s.name),
  },
  {
    type: 'integration_template',
    module: 'Integrations',
    projectScoped: true,
    extraActions: ['publish'],
    create: (r, n) => ({
      name: `${r.pick(['Salesforce', 'Stripe', 'Zendesk', 'HubSpot', 'SAP'])} template ${n}`,
      version: 1,
      fields: ['id', 'email', r.pick(['amount', 'status', 'owner'])],
    }),
    update: (r, s) => ({
      ...s,
      version: Number(s.version) + 1,
      fields: r.chance(0.5) ? [...(s.fields as string[]), r.pick(['region', 'currency', 'tier'])] : (s.fields as string[]).slice(0, 2),
    }),
    label: (s) => String(s.name),
  },
  {
    type: 'connector',
    module: 'Integrations',
    projectScoped: true,
    extraActions: ['send'],
    create: (r, n) => ({
      name: `${r.pick(['Postgres', 'S3', 'Kafka', 'Webhook'])} connector ${n}`,
      endpoint: `https://hooks.partner.example/${r.hex(8)}`,
      region: r.pick(REGIONS),
      timeout_ms: r.pick([5000, 10000, 30000]),
    }),
    update: (r, s) => (r.chance(0.5) ? { ...s, timeout_ms: r.pick([2000, 5000, 10000, 30000]) } : { ...s, region: r.pick(REGIONS) }),
    label: (s) => String(s.name),
  },
  {
    type: 'api_key',
    module: 'Security',
    projectScoped: false,
    extraActions: ['generate'],
    create: (r, n) => ({
      name: `${r.pick(['CI deploy', 'Billing export', 'Terraform', 'Data warehouse'])} ${n}`,
      prefix: `ak_${r.hex(6)}`,
      scopes: ['events:write', ...(r.chance(0.5) ? ['events:read'] : [])],
      expires_at: null,
    }),
    update: (r, s) => ({ ...s, scopes: r.chance(0.5) ? ['events:write', 'events:read'] : ['events:read'] }),
    label: (s) => `${s.name} (${s.prefix}…)`,
  },
  {
    type: 'security_group',
    module: 'Security',
    projectScoped: true,
    extraActions: [],
    create: (r, n) => ({
      name: `sg-${r.pick(WORDS)}-${n}`,
      rules: [
        { proto: 'tcp', port: 443, cidr: '0.0.0.0/0' },
        { proto: 'tcp', port: 5432, cidr: `10.${r.int(0, 9)}.0.0/16` },
      ],
    }),
    update: (r, s) => ({
      ...s,
      rules: [
        ...(s.rules as object[]).slice(0, 1),
        { proto: 'tcp', port: r.pick([22, 5432, 6379, 8443]), cidr: r.pick(['10.0.0.0/8', '192.168.10.0/24', '203.0.113.0/24']) },
      ],
    }),
    label: (s) => String(s.name),
  },
  {
    type: 'end_user',
    module: 'Directory',
    projectScoped: true,
    extraActions: ['send'],
    create: (r, n) => ({
      email: `user${n}@customer.example`,
      name: `${r.pick(['Ana', 'Ben', 'Chen', 'Dana', 'Emeka', 'Farah'])} ${r.pick(['Silva', 'Okafor', 'Schmidt', 'Tanaka', 'Novak'])}`,
      status: 'invited',
      mfa: false,
    }),
    update: (r, s) => (r.chance(0.5) ? { ...s, status: r.pick(['active', 'suspended']) } : { ...s, mfa: !s.mfa }),
    label: (s) => String(s.email),
  },
  {
    type: 'member',
    module: 'Access',
    projectScoped: false,
    extraActions: [],
    create: (r, n) => ({ email: `staff${n}@acme.test`, role: r.pick(['admin', 'auditor', 'member']) }),
    update: (r, s) => ({ ...s, role: r.pick(['owner', 'admin', 'auditor', 'member'].filter((x) => x !== s.role)) }),
    label: (s) => String(s.email),
  },
  {
    type: 'settings',
    module: 'Settings',
    projectScoped: false,
    extraActions: [],
    create: () => ({ time_zone: 'Europe/Berlin', retention_days: 365, sso_enforced: false }),
    update: (r, s) => (r.chance(0.5) ? { ...s, sso_enforced: !s.sso_enforced } : { ...s, retention_days: r.pick([90, 180, 365, 730]) }),
    label: () => 'Organization settings',
  },
];

export const PROJECTS = ['payments', 'storefront', 'data-platform', 'internal-tools'] as const;

export const FAILURE_REASONS = [
  'Permission denied: role auditor may not change this resource',
  'Validation failed: name must not be empty',
  'Conflict: the record was changed by someone else; reload and retry',
  'Upstream timed out after 30s',
  'Quota exceeded for this plan',
] as const;

export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
] as const;
