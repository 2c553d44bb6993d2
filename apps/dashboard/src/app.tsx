import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { SessionProvider, useSession } from './auth/session-context';
import { Loading } from './components/feedback';
import { Shell } from './components/shell';
import { LoginPage } from './views/login-page';

// Every view but login is its own chunk: the first load stays small.
const TenantsPage = lazy(() => import('./views/tenants-page'));
const TenantDetailPage = lazy(() => import('./views/tenant-detail-page'));
const OnboardingPage = lazy(() => import('./views/onboarding/onboarding-page'));
const NumbersPage = lazy(() => import('./views/numbers-page'));
const NumberDetailPage = lazy(() => import('./views/number-detail-page'));
const AuditPage = lazy(() => import('./views/audit-page'));
const ClustersPage = lazy(() => import('./views/clusters-page'));
const QueuesPage = lazy(() => import('./views/queues-page'));
const UsersPage = lazy(() => import('./views/users-page'));
const NotFoundPage = lazy(() => import('./views/not-found-page'));

function Home() {
  const { can } = useSession();
  if (!can) return null;
  return <Navigate to={can.tenantId ? `/tenants/${can.tenantId}` : '/tenants'} replace />;
}

function Gate() {
  const { status, can } = useSession();
  const location = useLocation();
  if (status === 'loading') return <Loading label="Restoring your session…" />;
  if (status === 'signed-out' || !can) {
    if (location.pathname === '/login') return <LoginPage />;
    const from = location.pathname + location.search;
    return (
      <Navigate to={`/login${from && from !== '/' ? `?next=${encodeURIComponent(from)}` : ''}`} replace />
    );
  }
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/login" element={<Home />} />
          <Route path="/tenants" element={<TenantsPage />} />
          <Route path="/tenants/:tenantId" element={<TenantDetailPage />} />
          <Route path="/onboarding" element={can.canOnboard ? <OnboardingPage /> : <NotFoundPage />} />
          <Route path="/numbers" element={<NumbersPage />} />
          <Route path="/numbers/:numberId" element={<NumberDetailPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/clusters" element={can.canViewClusters ? <ClustersPage /> : <NotFoundPage />} />
          <Route path="/queues" element={can.canViewQueues ? <QueuesPage /> : <NotFoundPage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </BrowserRouter>
  );
}
