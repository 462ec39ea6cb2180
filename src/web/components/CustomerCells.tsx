/**
 * How a customer of a list (CustomerListItem) is shown in one column: the name links to the customer, the company to
 * the company, masked values carry the lock. Shared by the customer list and the lists that show customers the same
 * way (the dashboard's drill-in).
 */
import type { ReactNode } from 'react';
import type { CustomerListItem } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.tsx';
import { Icon } from './Icon.tsx';
import { StageBadge } from './StageBadge.tsx';

export type CustomerColumnKey =
  | 'name' | 'kana' | 'company' | 'department' | 'title' | 'email' | 'phone' | 'prefecture'
  | 'stage' | 'channel' | 'owner' | 'updatedAt' | 'createdAt';

/** The cell renderer: (customer, column) → what the column shows. */
export function useCustomerCell(): (c: CustomerListItem, key: CustomerColumnKey) => ReactNode {
  const { label } = useI18n();
  const { reference } = useSession();
  const stageOf = (code: string) => reference?.lifecycleStages.find((s) => s.code === code);
  const channelOf = (code: string | null) => reference?.acquisitionChannels.find((s) => s.code === code);
  return (c, key) => {
    switch (key) {
      case 'name':
        return (
          <Link to={`/customers/${c.id}`} className="row-link" data-testid="customer-name">
            {c.displayName || c.email || '—'}
          </Link>
        );
      case 'kana':
        return <span className="kana">{[c.familyNameKana, c.givenNameKana].filter(Boolean).join(' ')}</span>;
      case 'company':
        return c.company ? <Link to={`/companies/${c.company.id}`}>{c.company.name}</Link> : null;
      case 'department':
        return c.department;
      case 'title':
        return c.title;
      case 'email':
        return c.email ? <span className={c.masked ? 'masked-value' : 'nowrap'}>{c.masked && <Icon name="lock" size={11} className="lock" />}{c.email}</span> : null;
      case 'phone':
        return c.phoneNational ? <span className={c.masked ? 'masked-value nowrap' : 'nowrap tabular'}>{c.masked && <Icon name="lock" size={11} className="lock" />}{c.phoneNational}</span> : null;
      case 'prefecture':
        return c.prefecture;
      case 'stage':
        return <StageBadge code={c.lifecycleStage} label={label(stageOf(c.lifecycleStage), c.lifecycleStage)} />;
      case 'channel':
        return c.acquisitionChannel ? label(channelOf(c.acquisitionChannel), c.acquisitionChannel) : null;
      case 'owner':
        return c.owner?.displayName;
      case 'updatedAt':
        return <span className="nowrap tabular">{formatDateTime(c.updatedAt)}</span>;
      case 'createdAt':
        return <span className="nowrap tabular">{formatDateTime(c.createdAt)}</span>;
    }
  };
}
