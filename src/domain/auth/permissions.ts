/**
 * The permission matrix: which role may do what. docs/PERMISSIONS.md is this table in prose and
 * test/api/permissions.test.ts walks every endpoint with every role against it.
 */
export const ROLES = ['admin', 'manager', 'marketing', 'sales', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'customers:read': 'List, search and open customers (personal data masked without customers:read_personal)',
  'customers:read_personal': 'See e-mail, phone, address, birth date, personal custom fields and sales notes unmasked',
  'customers:write': 'Create and edit customers; write sales notes',
  'customers:delete': 'Delete (soft) customers',
  'customers:export': 'Export customers and links (personal data; audited)',
  'imports:run': 'Import department exports (CSV/TSV/XLSX) and manage import profiles',
  'identity:resolve': 'Decide the review queue, merge and unmerge customers',
  'companies:read': 'List and open companies',
  'companies:write': 'Create and edit companies',
  'sources:read': 'See the data-source registry',
  'sources:write': 'Register and edit data sources',
  'sources:retention': 'Delete a data source\'s records past its retention period (保存期間切れの削除: customers left with no record are erased; audited)',
  'custom_fields:read': 'See custom field definitions',
  'custom_fields:write': 'Define custom fields',
  'users:read': 'See users and their roles',
  'users:write': 'Create users, change roles, disable users',
  'audit:read': 'Read the audit log',
  'api_keys:own': 'Create and revoke one’s own API keys',
  'forms:read': 'See forms and their submissions (personal data masked without customers:read_personal)',
  'forms:write': 'Build, publish and close forms (資料請求, イベント申込, お問い合わせ)',
  'commerce:read': 'See products, orders and customers\' purchase figures (buyer names only with customers:read)',
  'commerce:write': 'Edit the product catalogue; record, import, cancel and return orders',
  'events:read': 'See events (セミナー, 展示会) and their registrations (e-mails masked without customers:read_personal)',
  'events:write': 'Create events; record and import registrations and attendance',
  'sites:read': 'See tracked websites, their install snippet and traffic counts',
  'sites:write': 'Register tracked websites, edit allowed origins and limits, rotate write keys',
  'segments:read': 'Count, preview and open segments and their members (personal data masked without customers:read_personal)',
  'segments:write': 'Save, edit, refresh, split and archive segments; recompute RFM',
  'dashboards:read': 'See the dashboards\' panels (counts and sums; the customers behind a bar also need customers:read, masked without customers:read_personal)',
  'campaigns:read': 'See campaigns, their audiences, suppressions, reports and the outbox (personal data masked without customers:read_personal)',
  'campaigns:write': 'Create and edit campaigns (e-mail and DM), preview them and send a test to oneself',
  'campaigns:send': 'Start, schedule, pause and resume sending; export DM lists; report bounces and returned mail',
  'messaging:settings': 'Set the sender identity (特定電子メール法), the frequency cap and the sending rate',
  'privacy:manage': 'Handle APPI requests (本人からの請求): record them, generate disclosures, stop use, erase people for good; see third-party provision records',
  'voice:read': 'See the voice-of-customer inbox (顧客の声), its themes, trends and digests (text and senders masked without customers:read_personal)',
  'voice:write': 'Work the inbox: add feedback (API, e-mail, CSV, sales notes), tag, assign, change status, comment and reply',
  'voice:settings': 'Edit the inbox\'s tag rules, routing rules and teams',
  'voice:export': 'Export the inbox as CSV (personal data; audited)',
  'jobs:manage': 'See the background jobs (ジョブ: queued, running, failed and the dead-letter list) and retry a dead one',
} as const;
export type Permission = keyof typeof PERMISSIONS;

const ALL = Object.keys(PERMISSIONS) as Permission[];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(ALL),
  manager: new Set<Permission>([
    'customers:read', 'customers:read_personal', 'customers:write', 'customers:delete',
    'customers:export', 'imports:run', 'identity:resolve',
    'companies:read', 'companies:write', 'sources:read', 'sources:write', 'custom_fields:read',
    'users:read', 'audit:read', 'api_keys:own',
    'forms:read', 'forms:write',
    'commerce:read', 'commerce:write', 'events:read', 'events:write',
    'sites:read', 'sites:write', 'segments:read', 'segments:write', 'dashboards:read',
    'campaigns:read', 'campaigns:write', 'campaigns:send', 'privacy:manage',
    'voice:read', 'voice:write', 'voice:settings', 'voice:export',
  ]),
  marketing: new Set<Permission>([
    'customers:read', 'customers:read_personal', 'customers:write',
    'customers:export', 'imports:run', 'identity:resolve',
    'companies:read', 'companies:write', 'sources:read', 'custom_fields:read', 'api_keys:own',
    'forms:read', 'forms:write',
    'commerce:read', 'commerce:write', 'events:read', 'events:write',
    'sites:read', 'sites:write', 'segments:read', 'segments:write', 'dashboards:read',
    'campaigns:read', 'campaigns:write', 'campaigns:send',
    'voice:read', 'voice:write', 'voice:settings', 'voice:export',
  ]),
  sales: new Set<Permission>([
    'customers:read', 'customers:read_personal', 'customers:write', 'imports:run',
    'companies:read', 'companies:write', 'sources:read', 'custom_fields:read', 'api_keys:own',
    'forms:read',
    'commerce:read', 'commerce:write', 'events:read', 'events:write',
    'sites:read', 'segments:read', 'segments:write', 'dashboards:read', 'campaigns:read',
    'voice:read', 'voice:write',
  ]),
  viewer: new Set<Permission>(['customers:read', 'companies:read', 'sources:read', 'custom_fields:read', 'forms:read', 'commerce:read', 'events:read', 'sites:read', 'segments:read', 'dashboards:read', 'campaigns:read', 'voice:read']),
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
