// Authentication and authorization for routes: a Bearer session token identifies the user;
// each route names the permission it needs, checked here on the server.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission } from '../auth/roles.ts';
import { userForToken, type User } from '../auth/users.ts';
import { authenticateChannel, type ChannelCaller } from '../channels/keys.ts';
import { Forbidden, Unauthorized } from '../store/errors.ts';
import type { Store } from '../store/store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
    channel?: ChannelCaller;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** A preHandler that requires a signed-in user holding `permission` (or just signed in). */
export function requires(store: Store, permission?: Permission) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearerToken(request);
    if (!token) throw new Unauthorized();
    const user = await userForToken(store, token);
    if (permission && !can(user.role, permission)) {
      // the field at fault is the caller's role
      throw new Forbidden(`Your role (${user.role}) does not have the permission ${permission}`, { field: 'role', details: { permission } });
    }
    request.user = user;
  };
}

export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new Unauthorized();
  return request.user;
}

/** A preHandler for channel systems: the X-Channel-Key header names the calling channel. */
export function requiresChannel(store: Store) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers['x-channel-key'];
    request.channel = await authenticateChannel(store, Array.isArray(header) ? header[0] : header);
  };
}

export function currentChannel(request: FastifyRequest): ChannelCaller {
  if (!request.channel) throw new Unauthorized('This route is for channel systems: send an X-Channel-Key');
  return request.channel;
}
