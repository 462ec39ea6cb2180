/** The shell: signed-out pages (setup, login), and for signed-in users the header, left nav and the routed page. */
import { useEffect, type ReactNode } from 'react';
import { useI18n, type MessageKey } from './i18n.ts';
import { Link, match, navigate, useLocation } from './router.ts';
import { useSession } from './session.tsx';
import { Button } from './components/Button.tsx';
import { Loading } from './components/ui.tsx';
import { Icon, type IconName } from './components/Icon.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';
import { CustomerListPage } from './pages/CustomerListPage.tsx';
import { CustomerDetailPage } from './pages/CustomerDetailPage.tsx';
import { CustomerNewPage } from './pages/CustomerNewPage.tsx';
import { CompanyReviewPage } from './pages/CompanyReviewPage.tsx';
import { CompanyListPage } from './pages/CompanyListPage.tsx';
import { CompanyDetailPage } from './pages/CompanyDetailPage.tsx';
import { CompanyEditPage } from './pages/CompanyEditPage.tsx';
import { SourcesPage } from './pages/SourcesPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { ReviewPage } from './pages/ReviewPage.tsx';
import { ImportPage } from './pages/ImportPage.tsx';
import { SitesPage } from './pages/SitesPage.tsx';
import { OutboxPage } from './pages/OutboxPage.tsx';
import { FormListPage } from './pages/FormListPage.tsx';
import { FormBuilderPage } from './pages/FormBuilderPage.tsx';
import { FormDetailPage } from './pages/FormDetailPage.tsx';
import { ProductListPage } from './pages/ProductListPage.tsx';
import { ProductDetailPage } from './pages/ProductDetailPage.tsx';
import { OrderListPage } from './pages/OrderListPage.tsx';
import { OrderDetailPage } from './pages/OrderDetailPage.tsx';
import { EventListPage } from './pages/EventListPage.tsx';
import { EventDetailPage } from './pages/EventDetailPage.tsx';
import { AuditLogPage } from './pages/AuditLogPage.tsx';
import { JobsPage } from './pages/JobsPage.tsx';
import { SegmentListPage } from './pages/segments/SegmentListPage.tsx';
import { SegmentBuilderPage } from './pages/segments/SegmentBuilderPage.tsx';
import { SegmentDetailPage } from './pages/segments/SegmentDetailPage.tsx';
import { RfmPage } from './pages/segments/RfmPage.tsx';
import { DashboardPage } from './pages/dashboards/DashboardPage.tsx';
import { CampaignListPage } from './pages/campaigns/CampaignListPage.tsx';
import { CampaignEditPage } from './pages/campaigns/CampaignEditPage.tsx';
import { CampaignDetailPage } from './pages/campaigns/CampaignDetailPage.tsx';
import { MessagingSettingsPage } from './pages/campaigns/MessagingSettingsPage.tsx';
import { TasksPage } from './pages/TasksPage.tsx';
import { StaleQueuePage } from './pages/StaleQueuePage.tsx';
import { PrivacyPage } from './pages/privacy/PrivacyPage.tsx';
import { PrivacyRequestPage } from './pages/privacy/PrivacyRequestPage.tsx';
import { TriggerListPage } from './pages/triggers/TriggerListPage.tsx';
import { TriggerEditPage } from './pages/triggers/TriggerEditPage.tsx';
import { VoiceInboxPage } from './pages/voice/VoiceInboxPage.tsx';
import { VoiceItemPage } from './pages/voice/VoiceItemPage.tsx';
import { VoiceSettingsPage } from './pages/voice/VoiceSettingsPage.tsx';
import { VoiceDigestPage } from './pages/voice/VoiceDigestPage.tsx';
import { VoiceImportPage } from './pages/voice/VoiceImportPage.tsx';

/** `also`: other pages that belong to the entry (it is shown active on them). */
const NAV: Array<{ to: string; label: MessageKey; permission: string; icon: IconName; also?: string[] }> = [
  { to: '/dashboard', label: 'nav.dashboard', permission: 'dashboards:read', icon: 'chart' },
  { to: '/customers', label: 'nav.customers', permission: 'customers:read', icon: 'user' },
  { to: '/tasks', label: 'nav.tasks', permission: 'customers:read', icon: 'check' },
  { to: '/quality', label: 'nav.quality', permission: 'customers:read', icon: 'warn' },
  { to: '/voice', label: 'nav.voice', permission: 'voice:read', icon: 'speech' },
  { to: '/companies', label: 'nav.companies', permission: 'companies:read', icon: 'building' },
  { to: '/sources', label: 'nav.sources', permission: 'sources:read', icon: 'database' },
  { to: '/imports', label: 'nav.imports', permission: 'imports:run', icon: 'inbox' },
  { to: '/forms', label: 'nav.forms', permission: 'forms:read', icon: 'form' },
  { to: '/segments', label: 'nav.segments', permission: 'segments:read', icon: 'filter' },
  { to: '/campaigns', label: 'nav.campaigns', permission: 'campaigns:read', icon: 'mail', also: ['/messaging-settings'] },
  { to: '/triggers', label: 'nav.triggers', permission: 'campaigns:read', icon: 'filter' },
  { to: '/outbox', label: 'nav.outbox', permission: 'campaigns:read', icon: 'inbox' },
  { to: '/rfm', label: 'nav.rfm', permission: 'commerce:read', icon: 'grid' },
  { to: '/orders', label: 'nav.orders', permission: 'commerce:read', icon: 'cart' },
  { to: '/products', label: 'nav.products', permission: 'commerce:read', icon: 'note' },
  { to: '/events', label: 'nav.events', permission: 'events:read', icon: 'calendar' },
  { to: '/sites', label: 'nav.sites', permission: 'sites:read', icon: 'globe' },
  { to: '/review', label: 'nav.review', permission: 'identity:resolve', icon: 'link' },
  { to: '/users', label: 'nav.users', permission: 'users:read', icon: 'key' },
  { to: '/audit-log', label: 'nav.auditLog', permission: 'audit:read', icon: 'info' },
  { to: '/jobs', label: 'nav.jobs', permission: 'jobs:manage', icon: 'grid' },
  { to: '/privacy', label: 'nav.privacy', permission: 'privacy:manage', icon: 'key' },
];

export function App() {
  const session = useSession();
  const { state } = session;
  const { path, search } = useLocation();
  const { lang } = useI18n();

  // Signed-out users land on /setup (first run) or /login; signed-in users never see those.
  useEffect(() => {
    if (state.status === 'anonymous') {
      if (state.needsSetup && path !== '/setup') navigate('/setup', { replace: true });
      else if (!state.needsSetup && path !== '/login') {
        const next = path !== '/' && path !== '/setup' ? `?next=${encodeURIComponent(path + window.location.search)}` : '';
        navigate(`/login${next}`, { replace: true });
      }
    } else if (state.status === 'signed-in' && (path === '/' || path === '/login' || path === '/setup')) {
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/customers', { replace: true });
    }
  }, [state, path, search]);

  useEffect(() => {
    document.title = lang === 'ja' ? '台帳 Daicho' : 'Daicho';
  }, [lang]);

  if (state.status === 'loading') return <div className="center-screen"><Loading /></div>;
  if (state.status === 'error') return <div className="center-screen"><div className="alert alert-error">{state.message}</div></div>;
  if (state.status === 'anonymous') {
    return state.needsSetup ? <SetupPage /> : <LoginPage expired={state.expired} />;
  }
  return (
    <Layout>
      <Routes path={path} />
    </Layout>
  );
}

function Routes({ path }: { path: string }) {
  const { can } = useSession();
  const { search } = useLocation();
  const { t } = useI18n();
  let m: Record<string, string> | null;
  const guard = (permission: string, node: ReactNode) =>
    can(permission) ? node : <div className="alert alert-error" data-testid="forbidden">{t('forbidden.page')}</div>;

  if (path === '/customers') return guard('customers:read', <CustomerListPage />);
  if (path === '/customers/new') return guard('customers:write', <CustomerNewPage />);
  if ((m = match('/customers/:id', path))) return guard('customers:read', <CustomerDetailPage key={m.id} id={m.id!} />);
  if (path === '/companies') return guard('companies:read', <CompanyListPage />);
  if (path === '/companies/review') return guard('companies:read', <CompanyReviewPage />);
  if ((m = match('/companies/:id/edit', path))) return guard('companies:write', <CompanyEditPage key={m.id} id={m.id!} />);
  if ((m = match('/companies/:id', path))) return guard('companies:read', <CompanyDetailPage key={m.id} id={m.id!} />);
  if (path === '/sources') return guard('sources:read', <SourcesPage />);
  if (path === '/users') return guard('users:read', <UsersPage />);
  if (path === '/audit-log') return guard('audit:read', <AuditLogPage />);
  if (path === '/jobs') return guard('jobs:manage', <JobsPage />);
  if (path === '/review') return guard('identity:resolve', <ReviewPage />);
  if (path === '/imports') return guard('imports:run', <ImportPage />);
  if (path === '/sites') return guard('sites:read', <SitesPage />);
  if (path === '/outbox') return guard('campaigns:read', <OutboxPage />);
  if (path === '/tasks') return guard('customers:read', <TasksPage />);
  if (path === '/quality') return guard('customers:read', <StaleQueuePage />);
  if (path === '/privacy') return guard('privacy:manage', <PrivacyPage />);
  if ((m = match('/privacy/requests/:id', path))) return guard('privacy:manage', <PrivacyRequestPage key={m.id} id={m.id!} />);
  if (path === '/triggers') return guard('campaigns:read', <TriggerListPage />);
  if (path === '/triggers/new') return guard('campaigns:write', <TriggerEditPage />);
  if ((m = match('/triggers/:id/edit', path))) return guard('campaigns:write', <TriggerEditPage key={m.id} id={m.id!} />);
  if (path === '/voice') return guard('voice:read', <VoiceInboxPage />);
  if (path === '/voice/settings') return guard('voice:settings', <VoiceSettingsPage />);
  if (path === '/voice/digest') return guard('voice:read', <VoiceDigestPage />);
  if (path === '/voice/import') return guard('voice:write', <VoiceImportPage />);
  if ((m = match('/voice/:id', path))) return guard('voice:read', <VoiceItemPage key={m.id} id={m.id!} />);
  if (path === '/forms') return guard('forms:read', <FormListPage />);
  if (path === '/forms/new') return guard('forms:write', <FormBuilderPage />);
  if ((m = match('/forms/:id/edit', path))) return guard('forms:write', <FormBuilderPage key={m.id} id={m.id!} />);
  if ((m = match('/forms/:id', path))) return guard('forms:read', <FormDetailPage key={m.id} id={m.id!} />);
  if (path === '/products') return guard('commerce:read', <ProductListPage />);
  if ((m = match('/products/:id', path))) return guard('commerce:read', <ProductDetailPage key={m.id} id={m.id!} />);
  if (path === '/orders') return guard('commerce:read', <OrderListPage />);
  if ((m = match('/orders/:id', path))) return guard('commerce:read', <OrderDetailPage key={m.id} id={m.id!} />);
  if (path === '/events') return guard('events:read', <EventListPage />);
  if ((m = match('/events/:id', path))) return guard('events:read', <EventDetailPage key={m.id} id={m.id!} />);
  if (path === '/segments') return guard('segments:read', <SegmentListPage />);
  if (path === '/segments/new') return guard('segments:read', <SegmentBuilderPage key={search.get('definition') ?? 'new'} />);
  if ((m = match('/segments/:id/edit', path))) return guard('segments:write', <SegmentBuilderPage key={m.id} id={m.id!} />);
  if ((m = match('/segments/:id', path))) return guard('segments:read', <SegmentDetailPage key={m.id} id={m.id!} />);
  if (path === '/rfm') return guard('commerce:read', <RfmPage />);
  if (path === '/dashboard') return guard('dashboards:read', <DashboardPage />);
  if (path === '/campaigns') return guard('campaigns:read', <CampaignListPage />);
  if (path === '/campaigns/new') return guard('campaigns:write', <CampaignEditPage />);
  if ((m = match('/campaigns/:id/edit', path))) return guard('campaigns:write', <CampaignEditPage key={m.id} id={m.id!} />);
  if ((m = match('/campaigns/:id', path))) return guard('campaigns:read', <CampaignDetailPage key={m.id} id={m.id!} />);
  if (path === '/messaging-settings') return guard('messaging:settings', <MessagingSettingsPage />);
  if (path === '/' || path === '/login' || path === '/setup') return <Loading />;
  return (
    <div className="empty-page" data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <Link to="/customers">{t('notFound.home')}</Link>
    </div>
  );
}

function Layout({ children }: { children: ReactNode }) {
  const { me, reference, can, logout } = useSession();
  const { t, lang, setLang, label } = useI18n();
  const { path } = useLocation();
  const role = reference?.roles.find((r) => r.code === me?.user.role);
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/customers" className="brand">
          <span className="brand-mark" aria-hidden="true">台</span>
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-sub">{t('app.sub')}</span>
        </Link>
        <div className="topbar-right">
          <Button
            variant="ghost"
            small
            className="lang-toggle"
            data-testid="lang-toggle"
            title={t('header.langTitle')}
            onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
          >
            {t('header.lang')}
          </Button>
          <span className="user-chip" data-testid="current-user">
            <span className="user-name">{me?.user.displayName}</span>
            <span className="role-tag">{label(role, me?.user.role)}</span>
          </span>
          <Button variant="ghost" small data-testid="logout" onClick={() => void logout().then(() => navigate('/login'))}>
            {t('header.logout')}
          </Button>
        </div>
      </header>
      <nav className="sidenav" aria-label={t('nav.menu')}>
        <ul>
          {NAV.filter((item) => can(item.permission)).map((item) => {
            const active = path === item.to || path.startsWith(`${item.to}/`) || (item.also?.includes(path) ?? false);
            return (
              <li key={item.to}>
                <Link to={item.to} className={active ? 'active' : undefined} data-testid={`nav-${item.to.slice(1)}`} aria-current={active ? 'page' : undefined}>
                  <Icon name={item.icon} size={16} className="nav-icon" />
                  {t(item.label)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
