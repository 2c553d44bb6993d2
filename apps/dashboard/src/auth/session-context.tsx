import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from '../api/api-client';
import { permissionsOf, type Permissions, type UserMe } from './permissions';

interface Session {
  status: 'loading' | 'signed-out' | 'signed-in';
  me: UserMe | null;
  can: Permissions | null;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<UserMe | null>(null);
  const [status, setStatus] = useState<Session['status']>(api.hasSession ? 'loading' : 'signed-out');

  const loadMe = useCallback(async () => {
    const who = await api.me();
    if (who.kind !== 'user') throw new Error('The dashboard is for people; API keys cannot sign in here.');
    setMe(who);
    setStatus('signed-in');
  }, []);

  useEffect(() => {
    const off = api.onSessionChange((signedIn) => {
      if (!signedIn) {
        setMe(null);
        setStatus('signed-out');
      }
    });
    if (api.hasSession) {
      loadMe().catch(() => {
        setMe(null);
        setStatus('signed-out');
      });
    }
    return off;
  }, [loadMe]);

  const login = useCallback(
    async (email: string, password: string) => {
      await api.login({ email, password });
      await loadMe();
    },
    [loadMe],
  );

  const logout = useCallback(async () => {
    await api.logout();
    setMe(null);
    setStatus('signed-out');
  }, []);

  const value = useMemo<Session>(
    () => ({ status, me, can: me ? permissionsOf(me) : null, login, logout }),
    [status, me, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** For views behind the sign-in gate: the person and their permissions, never null. */
export function useSignedIn(): { me: UserMe; can: Permissions } {
  const { me, can } = useSession();
  if (!me || !can) throw new Error('useSignedIn outside the signed-in shell');
  return { me, can };
}
