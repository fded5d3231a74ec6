// Users, password checks and session tokens. Passwords are scrypt-hashed; a session token is
// random and only its SHA-256 is stored, so a leaked database reveals no usable token.
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/store.ts';
import { Unauthorized } from '../store/errors.ts';
import { permissionsOf, roles, type Permission, type Role } from './roles.ts';

export interface User {
  username: string;
  displayName: string;
  role: Role;
  permissions: Permission[];
}

export const demoPassword = 'yiti-demo';
const sessionHours = 12;

const demoUsers: Array<{ username: string; displayName: string; role: Role }> = [
  { username: 'admin', displayName: '系统管理员 Admin', role: 'admin' },
  { username: 'planner', displayName: '营销策划 Planner', role: 'planner' },
  { username: 'approver', displayName: '审批人 Approver', role: 'approver' },
  { username: 'analyst', displayName: '经营分析 Analyst', role: 'analyst' },
  { username: 'operator', displayName: '渠道运营 Operator', role: 'operator' },
  { username: 'auditor', displayName: '审计 Auditor', role: 'auditor' },
];

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function toUser(row: { username: string; display_name: string; role: Role }): User {
  return { username: row.username, displayName: row.display_name, role: row.role, permissions: permissionsOf(row.role) };
}

/** Creates the six demo users (one per role) when the users table is empty. */
export async function ensureDemoUsers(db: Db): Promise<boolean> {
  const existing = await db.one<{ n: number }>('SELECT count(*) AS n FROM users');
  if ((existing?.n ?? 0) > 0) return false;
  for (const u of demoUsers) {
    if (!roles.includes(u.role)) throw new Error(`unknown role ${u.role}`);
    await db.run('INSERT INTO users (username, display_name, role, password_hash) VALUES ($u, $d, $r, $h)', {
      u: u.username,
      d: u.displayName,
      r: u.role,
      h: hashPassword(demoPassword),
    });
  }
  return true;
}

/** Checks the password and opens a session; the same message for unknown user and wrong password. */
export async function signIn(db: Db, username: string, password: string): Promise<{ token: string; user: User }> {
  const row = await db.one<{ username: string; display_name: string; role: Role; password_hash: string; active: boolean }>(
    'SELECT username, display_name, role, password_hash, active FROM users WHERE username = $u',
    { u: username },
  );
  if (!row || !row.active || !verifyPassword(password, row.password_hash)) {
    throw new Unauthorized('Unknown user or wrong password');
  }
  const token = randomBytes(32).toString('base64url');
  await db.run(
    `INSERT INTO sessions (token_sha256, username, expires_at)
     VALUES ($t, $u, current_localtimestamp() + to_hours(CAST($h AS INTEGER)))`,
    { t: sha256(token), u: username, h: sessionHours },
  );
  return { token, user: toUser(row) };
}

export async function userForToken(db: Db, token: string): Promise<User> {
  const row = await db.one<{ username: string; display_name: string; role: Role }>(
    `SELECT u.username, u.display_name, u.role FROM sessions s JOIN users u USING (username)
     WHERE s.token_sha256 = $t AND s.expires_at > current_localtimestamp() AND u.active`,
    { t: sha256(token) },
  );
  if (!row) throw new Unauthorized('The session has expired or the token is not valid: sign in again');
  return toUser(row);
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE token_sha256 = $t', { t: sha256(token) });
}
