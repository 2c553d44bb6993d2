import { type ReactNode, useEffect, useRef } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { ROLE_LABELS } from '../auth/permissions';
import { useSignedIn, useSession } from '../auth/session-context';

export function Shell({ children }: { children: ReactNode }) {
  const { me, can } = useSignedIn();
  const { logout } = useSession();
  const location = useLocation();
  const shownPath = useRef(location.pathname);

  // After a client-side navigation, move focus to the new page's heading, as a page load would.
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    const timer = window.setTimeout(() => {
      const heading = document.querySelector<HTMLElement>('main .page-title');
      heading?.focus();
    }, 50);
    return () => window.clearTimeout(timer);
  }, [location.pathname]);

  const links: { to: string; label: string; show: boolean }[] = [
    { to: '/tenants', label: 'Clients', show: can.isStaff },
    { to: `/tenants/${can.tenantId ?? ''}`, label: 'My client', show: !can.isStaff && can.tenantId !== null },
    { to: '/onboarding', label: 'Onboard a client', show: can.canOnboard },
    { to: '/numbers', label: 'Numbers', show: true },
    { to: '/audit', label: 'Audit log', show: true },
    { to: '/users', label: 'Users', show: true },
    { to: '/clusters', label: 'Clusters', show: can.canViewClusters },
    { to: '/queues', label: 'Queues', show: can.canViewQueues },
  ];

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">BSP control plane</span>
        <nav aria-label="Main">
          <ul>
            {links
              .filter((l) => l.show)
              .map((l) => (
                <li key={l.to}>
                  <NavLink to={l.to} end={l.to !== '/tenants'}>
                    {l.label}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.email}
            <span className="role"> · {ROLE_LABELS[me.role]}</span>
            {!can.canWrite ? <span className="badge badge-neutral">read only</span> : null}
          </span>
          <button type="button" className="button secondary small" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
