/**
 * Who is signed in, what they may do, and the reference data every screen uses.
 * Loaded once at start (GET /auth/me, then /reference); the CSRF token from /auth/me goes into the API client.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler, type Me, type Reference } from './api.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'anonymous'; needsSetup: boolean; expired: boolean }
  | { status: 'signed-in'; me: Me; reference: Reference | null };

export interface Session {
  state: SessionState;
  me: Me | null;
  reference: Reference | null;
  can: (permission: string) => boolean;
  signedIn: (me: Me) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const loadReference = useCallback(async (me: Me) => {
    try {
      const reference = await api.reference();
      setState((s) => (s.status === 'signed-in' && s.me.user.id === me.user.id ? { ...s, reference } : s));
    } catch {
      // screens fall back to codes
    }
  }, []);

  const signedIn = useCallback(async (me: Me) => {
    setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', me, reference: null });
    await loadReference(me);
  }, [loadReference]);

  const reload = useCallback(async () => {
    try {
      const me = await api.me();
      await signedIn(me);
    } catch (error) {
      setCsrfToken(null);
      try {
        const { needsSetup } = await api.setupStatus();
        setState({ status: 'anonymous', needsSetup, expired: false });
      } catch {
        setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      }
    }
  }, [signedIn]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState((s) => (s.status === 'signed-in' ? { status: 'anonymous', needsSetup: false, expired: true } : s));
    });
    return () => setUnauthenticatedHandler(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // the session may already be gone
    }
    setCsrfToken(null);
    setState({ status: 'anonymous', needsSetup: false, expired: false });
  }, []);

  const value = useMemo<Session>(() => {
    const me = state.status === 'signed-in' ? state.me : null;
    const permissions = new Set(me?.permissions ?? []);
    return {
      state,
      me,
      reference: state.status === 'signed-in' ? state.reference : null,
      can: (permission) => permissions.has(permission),
      signedIn,
      logout,
      reload,
    };
  }, [state, signedIn, logout, reload]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
