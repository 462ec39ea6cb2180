/** 商品マスタ: search by SKU or name, add products (commerce:write), mark discontinued. */
import { useState, type FormEvent } from 'react';
import { commerceApi, type Product } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner, FormField, PageHeader, useFieldErrors, useLoad, CursorPager, TableStatusRows } from '../components/ui.tsx';
import { yen } from './OrderImportPanel.tsx';

export function ProductListPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [text, setText] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const [rowError, setRowError] = useState<unknown>(null);
  const cursor = cursors[cursors.length - 1];
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
  return (
    <div className="page" data-testid="product-list-page">
      <PageHeader title={t('commerce.products')} actions={can('commerce:write') && !creating && (
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="product-new">{t('commerce.newProduct')}</button>
      )} />
      {creating && <ProductCreate onDone={(created) => { setCreating(false); if (created) void reload(); }} />}
      <form className="searchbar" role="search" onSubmit={(e) => { e.preventDefault(); setCursors([]); setQ(text.trim()); }}>
        <input type="search" className="search-input" placeholder={t('commerce.searchProducts')} aria-label={t('commerce.searchProducts')} value={text} onChange={(e) => setText(e.target.value)} data-testid="product-search" />
        <button type="submit" className="btn">{t('common.search')}</button>
      </form>
      <ErrorBanner error={error ?? rowError} />
      <div className="table-wrap">
        <table className="table table-zebra" data-testid="product-table">
          <thead><tr><th>{t('commerce.sku')}</th><th>{t('commerce.productName')}</th><th>{t('commerce.category')}</th><th className="num">{t('commerce.price')}</th><th>{t('commerce.status')}</th></tr></thead>
          <tbody>
            {(data?.items ?? []).map((p) => (
              <tr key={p.id} data-testid="product-row">
                <td className="mono">{p.sku}</td>
                <td>{p.name}</td>
                <td>{p.category}</td>
                <td className="num tabular">{yen(p.price)}</td>
                <td>
                  {can('commerce:write')
                    ? <button type="button" className="btn btn-small btn-ghost" onClick={() => void toggle(p)} data-testid="product-toggle">{p.active ? t('commerce.active') : t('commerce.inactive')}</button>
                    : (p.active ? t('commerce.active') : t('commerce.inactive'))}
                </td>
              </tr>
            ))}
            <TableStatusRows data={data} loading={loading} colSpan={5} />
          </tbody>
        </table>
      </div>
      <CursorPager data={data} loading={loading} cursors={cursors} setCursors={setCursors} />
    </div>
  );
}

function ProductCreate({ onDone }: { onDone: (created: Product | null) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ sku: '', name: '', category: '', price: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = useFieldErrors(error);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await commerceApi.createProduct({ sku: form.sku.trim(), name: form.name.trim(), category: form.category.trim() || null, price: form.price.trim() || null }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid="product-create">
      <div className="card-header"><h2>{t('commerce.newProduct')}</h2></div>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="form-grid">
          <FormField label={t('commerce.sku')} name="sku" required error={errors.sku}><input id="input-sku" value={form.sku} onChange={set('sku')} placeholder="A-100" /></FormField>
          <FormField label={t('commerce.productName')} name="name" required error={errors.name}><input id="input-name" value={form.name} onChange={set('name')} /></FormField>
          <FormField label={t('commerce.category')} name="category" error={errors.category}><input id="input-category" value={form.category} onChange={set('category')} /></FormField>
          <FormField label={t('commerce.price')} name="price" error={errors.price} hint="¥3,200"><input id="input-price" value={form.price} onChange={set('price')} inputMode="numeric" /></FormField>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="product-create-submit">{busy ? t('common.creating') : t('common.create')}</button>
          <button type="button" className="btn" onClick={() => onDone(null)} disabled={busy}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
