import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import { permissions } from '../../auth/roles.ts';
import { signIn, signOut } from '../../auth/users.ts';
import { bearerToken, currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const UserSchema = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  permissions: Type.Array(Type.Union(permissions.map((p) => Type.Literal(p)))),
});

export function authRoutes(app: App, { store }: ServerContext): void {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in and receive a session token',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Object({ token: Type.String(), user: UserSchema }), 401: ErrorBody },
      },
    },
    async (request) => {
      const session = await signIn(store, request.body.username, request.body.password);
      await recordAudit(store, session.user.username, 'auth.login', null);
      return session;
    },
  );

  app.get(
    '/api/auth/me',
    { preHandler: requires(store), schema: { tags: ['auth'], summary: 'The signed-in user', security: [{ bearer: [] }], response: { 200: UserSchema, 401: ErrorBody } } },
    async (request) => currentUser(request),
  );

  app.post(
    '/api/auth/logout',
    { preHandler: requires(store), schema: { tags: ['auth'], summary: 'End this session', security: [{ bearer: [] }], response: { 204: Type.Null() } } },
    async (request, reply) => {
      await signOut(store, bearerToken(request)!);
      reply.status(204).send(null);
    },
  );
}
