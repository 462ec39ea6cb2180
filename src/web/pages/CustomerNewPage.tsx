import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { CustomerForm } from '../components/CustomerForm.tsx';
import { PageHeader } from '../components/ui.tsx';

export function CustomerNewPage() {
  const { t } = useI18n();
  return (
    <div className="page page-narrow" data-testid="customer-new-page">
      <Link to="/customers" className="back-link">{t('detail.back')}</Link>
      <PageHeader title={t('new.title')} sub={t('new.lead')} />
      <div className="card">
        <CustomerForm
          customer={null}
          submitLabel={t('new.submit')}
          onCancel={() => navigate('/customers')}
          onSubmit={async (input) => {
            const created = await api.createCustomer(input);
            navigate(`/customers/${created.id}?created=1`);
          }}
        />
      </div>
    </div>
  );
}
