// Sign-in and the signed-in user (routes/auth.ts).
import { api } from './client.ts';

// the server's own list, so the console never falls behind it
export type { Permission } from '../../../src/auth/roles.ts';
import type { Permission } from '../../../src/auth/roles.ts';

export interface User {
  username: string;
  displayName: string;
  role: string;
  permissions: Permission[];
}

export const signIn = (username: string, password: string) =>
  api<{ token: string; user: User }>('/api/auth/login', { method: 'POST', body: { username, password } });

export const fetchMe = () => api<User>('/api/auth/me');

export const signOut = () => api<void>('/api/auth/logout', { method: 'POST' });
