import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { getCsrfToken, onSessionEnded } from './lib/api';
import { href, useRoute } from './lib/router';
import { currentSession, signOut, type SessionPrincipal } from './lib/session';
import { LOCALES, useI18n, type Locale } from './i18n';
import type { MessageKey } from './i18n/en';
import { SignIn } from './screens/SignIn';
import { Search } from './screens/Search';

// The search screen is in the first bundle; every other screen loads when first opened.
const SeizureDetail = lazy(() => import('./screens/SeizureDetail'));
const Submit = lazy(() => import('./screens/Submit'));
const Dashboard = lazy(() => import('./screens/Dashboard'));
const Operations = lazy(() => import('./screens/Operations'));
const OperationDetail = lazy(() => import('./screens/OperationDetail'));
const ReportView = lazy(() => import('./screens/ReportView'));
const Alerts = lazy(() => import('./screens/Alerts'));
const AgencyKeys = lazy(() => import('./screens/AgencyKeys'));
const LinkRequests = lazy(() => import('./screens/LinkRequests'));
const Users = lazy(() => import('./screens/Users'));
const AgencyAlerts = lazy(() => import('./screens/AgencyAlerts'));
const AuditTrail = lazy(() => import('./screens/AuditTrail'));

interface NavItem {
  route: string;
  label: MessageKey;
  roles?: string[];
}

const NAV: NavItem[] = [
  { route: 'search', label: 'nav.search' },
  { route: 'submit', label: 'nav.submit', roles: ['ELO', 'ANALYST'] },
  { route: 'dashboard', label: 'nav.dashboard' },
  { route: 'operations', label: 'nav.operations', roles: ['ANALYST', 'PLATFORM_ADMIN'] },
  { route: 'alerts', label: 'nav.alerts', roles: ['ELO', 'ANALYST', 'AGENCY_ADMIN', 'PARTNER'] },
  { route: 'links', label: 'nav.links', roles: ['ELO', 'AGENCY_ADMIN'] },
  { route: 'keys', label: 'nav.keys', roles: ['AGENCY_ADMIN'] },
  { route: 'users', label: 'nav.users', roles: ['AGENCY_ADMIN'] },
  // The roles that may call agencyAlerts and stopAgencyAlert.
  { route: 'agency-alerts', label: 'nav.agencyAlerts', roles: ['AGENCY_ADMIN', 'PLATFORM_ADMIN'] },
  { route: 'audit', label: 'nav.audit', roles: ['AGENCY_ADMIN', 'AUDITOR'] },
];

export function App() {
  const { t, locale, setLocale } = useI18n();
  const [principal, setPrincipal] = useState<SessionPrincipal | null | undefined>(undefined);
  const route = useRoute();

  useEffect(() => {
    onSessionEnded(() => setPrincipal(null));
    currentSession().then(setPrincipal, () => setPrincipal(null));
  }, []);

  useEffect(() => {
    const title = NAV.find((n) => n.route === (route[0] ?? 'search'));
    document.title = `${title ? t(title.label) : 'Windward'} · Windward`;
  }, [route, t]);

  const languages = (
    <label className="language">
      <span>{t('app.language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {Object.keys(LOCALES).map((code) => (
          <option key={code} value={code}>
            {LOCALES[code as Locale]['language.name']}
          </option>
        ))}
      </select>
    </label>
  );

  if (principal === undefined) return <main className="loading">{t('app.loading')}</main>;
  if (principal === null) {
    return (
      <>
        <header className="topbar">
          <span className="brand">Windward</span>
          {languages}
        </header>
        <SignIn onSignedIn={setPrincipal} />
      </>
    );
  }

  const allowed = NAV.filter((item) => !item.roles || item.roles.some((r) => principal.roles.includes(r)));
  const screen = route[0] ?? 'search';
  let content: ReactNode;
  switch (screen) {
    case 'seizure':
      content = <SeizureDetail id={route[1]} principal={principal} />;
      break;
    case 'submit':
      content = <Submit />;
      break;
    case 'dashboard':
      content = <Dashboard />;
      break;
    case 'operations':
      content = <Operations principal={principal} />;
      break;
    case 'operation':
      content = <OperationDetail id={route[1]} principal={principal} />;
      break;
    case 'report':
      content = <ReportView id={route[1]} principal={principal} />;
      break;
    case 'alerts':
      content = <Alerts principal={principal} />;
      break;
    case 'links':
      content = <LinkRequests />;
      break;
    case 'keys':
      content = <AgencyKeys principal={principal} />;
      break;
    case 'users':
      content = <Users />;
      break;
    case 'agency-alerts':
      content = <AgencyAlerts principal={principal} />;
      break;
    case 'audit':
      content = <AuditTrail principal={principal} />;
      break;
    default:
      content = <Search />;
  }

  return (
    <>
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        {t('app.skip')}
      </button>
      <header className="topbar">
        <span className="brand">Windward</span>
        <nav aria-label={t('app.navigation')}>
          <ul>
            {allowed.map((item) => (
              <li key={item.route}>
                <a href={href(item.route)} aria-current={screen === item.route ? 'page' : undefined}>
                  {t(item.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who" data-testid="who">
          {principal.email} · {principal.agencyCode}
        </span>
        {languages}
        <button
          type="button"
          onClick={async () => {
            await signOut(getCsrfToken());
            // The live feed's socket closes too (loaded only if a screen used it).
            void import('./lib/live').then((live) => live.closeLive());
            setPrincipal(null);
          }}
        >
          {t('app.signOut')}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>{t('app.loading')}</p>}>{content}</Suspense>
      </main>
    </>
  );
}
