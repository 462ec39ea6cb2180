/**
 * 商品マスタ: search by SKU or name, add products (commerce:write), mark discontinued; each product opens its page
 * (its affinities and the customers to offer it to). 「クロスセル提案の計算」 for segments:write users.
 */
import { useState } from 'react';
import { commerceApi, type Product } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { RecommendRunPanel } from '../components/RecommendRunPanel.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { textOrNull } from '../components/form-values.ts';
import { CursorPager, useCursorPaging } from '../components/Pager.tsx';
import { SearchBar } from '../components/SearchBar.tsx';
import { ErrorBanner, FormField, PageHeader, useLoad } from '../components/ui.tsx';
import { yen } from './OrderImportPanel.tsx';

export function ProductListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [text, setText] = useState('');
  const paging = useCursorPaging();
  const [creating, setCreating] = useState(false);
  const [rowError, setRowError] = useState<unknown>(null);
  const { cursor } = paging;
  const { data, error, loading, reload } = useLoad(() => commerceApi.products({ limit: 50, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) }), [q, cursor]);
  const toggle = async (p: Product) => {
    setRowError(null);
    try {
      await commerceApi.updateProduct(p.id, { active: !p.active });
      await reload();
    } catch (e) {
      setRowError(e);
    }
  };
  const status = (p: Product) => (p.active ? t('commerce.active') : t('commerce.inactive'));
  return (
    <div className="page" data-testid="product-list-page">
      <PageHeader title={t('commerce.products')} actions={can('commerce:write') && !creating && (
        <Button variant="primary" onClick={() => setCreating(true)} data-testid="product-new">{t('commerce.newProduct')}</Button>
      )} />
      {can('segments:write') && <RecommendRunPanel />}
      {creating && <ProductCreate onDone={(created) => { setCreating(false); if (created) void reload(); }} />}
      <SearchBar value={text} onChange={setText} onSearch={(query) => { paging.reset(); setQ(query); }} placeholder={t('commerce.searchProducts')} testId="product-search" />
      <ErrorBanner error={error ?? rowError} />
      <DataTable
        testId="product-table"
        rows={data?.items}
        loading={loading}
        rowKey={(p) => p.id}
        rowTestId="product-row"
        rowProps={(p) => ({ 'data-sku': p.sku })}
        onRowClick={(p) => navigate(`/products/${p.id}`)}
        columns={[
          { key: 'sku', header: t('commerce.sku'), cellClassName: 'mono', cell: (p) => p.sku },
          { key: 'name', header: t('commerce.productName'), cell: (p) => <Link to={`/products/${p.id}`} data-testid="product-link">{p.name}</Link> },
          { key: 'category', header: t('commerce.category'), cell: (p) => p.category },
          { key: 'price', header: t('commerce.price'), className: 'num', cellClassName: 'tabular', cell: (p) => yen(p.price) },
          {
            key: 'status',
            header: t('commerce.status'),
            cell: (p) => (can('commerce:write')
              ? <Button small variant="ghost" onClick={() => void toggle(p)} data-testid="product-toggle">{status(p)}</Button>
              : status(p)),
          },
        ]}
        pager={<CursorPager paging={paging} data={data} loading={loading} />}
      />
    </div>
  );
}

function ProductCreate({ onDone }: { onDone: (created: Product | null) => void }) {
  const { t } = useI18n();
  const form = useFormValues({ sku: '', name: '', category: '', price: '' });
  const { values, set, errors } = form;
  return (
    <FormPanel
      title={t('commerce.newProduct')}
      testId="product-create"
      form={form}
      onSubmit={async (v) => onDone(await commerceApi.createProduct({ sku: v.sku.trim(), name: v.name.trim(), category: textOrNull(v.category), price: textOrNull(v.price) }))}
      submitTestId="product-create-submit"
      onCancel={() => onDone(null)}
    >
      <FormField label={t('commerce.sku')} name="sku" required error={errors.sku}><input id="input-sku" value={values.sku} onChange={set('sku')} placeholder="A-100" /></FormField>
      <FormField label={t('commerce.productName')} name="name" required error={errors.name}><input id="input-name" value={values.name} onChange={set('name')} /></FormField>
      <FormField label={t('commerce.category')} name="category" error={errors.category}><input id="input-category" value={values.category} onChange={set('category')} /></FormField>
      <FormField label={t('commerce.price')} name="price" error={errors.price} hint="¥3,200"><input id="input-price" value={values.price} onChange={set('price')} inputMode="numeric" /></FormField>
    </FormPanel>
  );
}
