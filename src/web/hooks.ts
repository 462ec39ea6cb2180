/** Option lists shared by the customer screens, fetched only when the role may read them. */
import { useEffect, useState } from 'react';
import { api, type Company, type Source } from './api.ts';
import { useSession } from './session.tsx';

export interface OwnerOption {
  id: string;
  displayName: string;
  disabled?: boolean;
}

/** People a customer can be assigned to: the active users of the directory (any role that reads customers). */
export function useOwners(): OwnerOption[] {
  const { me, can } = useSession();
  const mayList = can('customers:read');
  const [owners, setOwners] = useState<OwnerOption[]>(me ? [{ id: me.user.id, displayName: me.user.displayName }] : []);
  useEffect(() => {
    if (!mayList) return;
    let live = true;
    api.userDirectory().then(
      (r) => { if (live) setOwners(r.items.map((u) => ({ id: u.id, displayName: u.displayName }))); },
      () => undefined,
    );
    return () => { live = false; };
  }, [mayList]);
  return owners;
}

export function useSources(): Source[] {
  const { can } = useSession();
  const mayList = can('sources:read');
  const [sources, setSources] = useState<Source[]>([]);
  useEffect(() => {
    if (!mayList) return;
    let live = true;
    api.listSources().then((r) => { if (live) setSources(r.items); }, () => undefined);
    return () => { live = false; };
  }, [mayList]);
  return sources;
}

/** The first 200 companies by name, for filters and the company-name suggestions. */
export function useCompanies(): Company[] {
  const { can } = useSession();
  const mayList = can('companies:read');
  const [companies, setCompanies] = useState<Company[]>([]);
  useEffect(() => {
    if (!mayList) return;
    let live = true;
    api.listCompanies({ limit: 200 }).then((r) => { if (live) setCompanies(r.items); }, () => undefined);
    return () => { live = false; };
  }, [mayList]);
  return companies;
}
