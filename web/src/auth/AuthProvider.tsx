// The signed-in user for the whole console: restored from the stored token on load, cleared
// when the server answers 401. `can()` only hides what a role may not use; the server enforces.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { fetchMe, signIn, signOut, type Permission, type User } from '../api/auth.ts';
import { onUnauthorized, session } from '../api/client.ts';
import { FullPageSpin } from '../components/FullPageSpin.tsx';

interface Auth {
  user: User | null;
  /** true while a stored token is being checked */
  checking: boolean;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  can(permission: Permission): boolean;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(() => session.token() !== null);

  useEffect(() => {
    onUnauthorized(() => setUser(null));
    if (!session.token()) return;
    fetchMe().then(
      (me) => {
        setUser(me);
        setChecking(false);
      },
      () => {
        session.clear();
        setChecking(false);
      },
    );
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await signIn(username, password);
    session.store(answer.token);
    setUser(answer.user);
    return answer.user;
  }, []);

  const logout = useCallback(async () => {
    await signOut().catch(() => undefined);
    session.clear();
    setUser(null);
  }, []);

  const can = useCallback((permission: Permission) => user?.permissions.includes(permission) ?? false, [user]);

  const value = useMemo(() => ({ user, checking, login, logout, can }), [user, checking, login, logout, can]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthProvider>');
  return auth;
}

/** Renders its children for a signed-in user, else sends the browser to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user, checking } = useAuth();
  const location = useLocation();
  if (checking) return <FullPageSpin />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}
