import { createHash } from 'node:crypto';
import type { Role } from '@/db/vocabulary/roles';

/**
 * The demo organizations' history as a story the tables agree with: who joined when (and who invited them), who
 * was promoted or removed, which API keys were created (and revoked) by whom. Times are shares of the history's
 * span (0 = its first moment, 1 = now), so the story stretches with `days`. demo.ts writes each step as the audit
 * entry the app itself would record, and the seed makes the membership and api_keys rows match.
 */
export type StoryMember = {
  email: string;
  /** The role at the end of the story (what the Members page shows), or the role held when removed. */
  role: Role;
  /** null: a founder, a member since before the history starts. */
  joined: number | null;
  invitedBy?: string;
  /** The role they joined with, when they were promoted later (at `promoted`). */
  joinedAs?: Role;
  promoted?: number;
  /** Removed from the organization at this point, by `removedBy`; not a member at the end. */
  removed?: number;
  removedBy?: string;
  /** Removed people have no account here: their id is made up, stable per email. */
  formerId?: boolean;
};

export type StoryKey = { name: string; createdBy: string; created: number; revoked?: number; revokedBy?: string; acts: boolean };

export type Story = { members: StoryMember[]; keys: StoryKey[] };

export const STORIES: Record<'acme' | 'globex', Story> = {
  acme: {
    members: [
      { email: 'alice@acme.test', role: 'owner', joined: null },
      { email: 'bob@acme.test', role: 'admin', joined: 0.006, invitedBy: 'alice@acme.test' },
      { email: 'frank@acme.test', role: 'admin', joined: 0.012, invitedBy: 'alice@acme.test', removed: 0.62, removedBy: 'alice@acme.test', formerId: true },
      { email: 'carol@acme.test', role: 'auditor', joined: 0.033, invitedBy: 'bob@acme.test', joinedAs: 'member', promoted: 0.1 },
      { email: 'dave@acme.test', role: 'member', joined: 0.26, invitedBy: 'bob@acme.test' },
    ],
    keys: [
      { name: 'CI deploy key', createdBy: 'bob@acme.test', created: 0.02, acts: true },
      { name: 'Terraform key', createdBy: 'alice@acme.test', created: 0.05, acts: true },
      { name: 'Billing export key', createdBy: 'bob@acme.test', created: 0.15, revoked: 0.7, revokedBy: 'alice@acme.test', acts: false },
    ],
  },
  globex: {
    members: [
      { email: 'gina@globex.test', role: 'owner', joined: null },
      { email: 'frank@globex.test', role: 'admin', joined: 0.012, invitedBy: 'gina@globex.test', removed: 0.55, removedBy: 'gina@globex.test', formerId: true },
      { email: 'alice@acme.test', role: 'auditor', joined: 0.025, invitedBy: 'gina@globex.test' },
    ],
    keys: [
      { name: 'CI deploy key', createdBy: 'gina@globex.test', created: 0.015, acts: true },
      { name: 'Terraform key', createdBy: 'gina@globex.test', created: 0.04, acts: true },
    ],
  },
};

/** How long before the history a founder's membership starts. */
export const FOUNDED_BEFORE_MS = 3 * 86_400_000;
/** How long before joining the invitation was sent. */
export const INVITED_BEFORE_SHARE = 0.003;

/** A stable UUID (version 4 layout) derived from text: the same demo key or former member gets the same id every seed. */
export function stableUuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A demo key's id and public prefix (`ak_` + 10 hex, like generateApiKey's). */
export function storyKeyIdentity(slug: string, name: string): { id: string; prefix: string } {
  const h = createHash('sha256').update(`demo-key:${slug}:${name}`).digest('hex');
  return { id: stableUuid(`demo-key:${slug}:${name}`), prefix: `ak_${h.slice(0, 10)}` };
}

/** The instant at share `f` of a history of `span` ms ending at `now`. */
export const storyTime = (now: number, span: number, f: number) => Math.floor(now - span + f * span);

/** When a member's membership row starts: joining, or before the history for a founder. */
export function joinedAt(member: StoryMember, now: number, span: number): Date {
  return new Date(member.joined === null ? now - span - FOUNDED_BEFORE_MS : storyTime(now, span, member.joined));
}
