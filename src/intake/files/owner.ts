import type { AuthContext } from '../../core/context.ts';

/**
 * The one rule for what the import wizard keeps for a person: an upload, a background import or validation, an import
 * run's report. The user who made it may use it, and admins (who see every run); anyone else is answered as for an id
 * that never existed (404), so ids of other people's work are not confirmed. A CLI run has no owner: admins only.
 */
export function isOwnOrAdmin(ownerUserId: string | null, auth: AuthContext | null): boolean {
  return auth !== null && (auth.role === 'admin' || auth.userId === ownerUserId);
}
