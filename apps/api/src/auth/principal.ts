import { openModeKeyId } from '@switchyard/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, sendError } from '../api-errors.ts';

/** Who is calling: the key's id (never its secret) and what it may do. */
export interface Principal {
  keyId: string;
  role: 'client' | 'admin';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every request before its route runs; see `installAuth`. */
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Served without a key (health checks, the OpenAPI document). */
    public?: boolean;
  }
}

/** Every caller in open mode (no `auth.keys`): one local admin. */
export const openModePrincipal: Readonly<Principal> = Object.freeze({ keyId: openModeKeyId, role: 'admin' });

/** A preHandler for admin-only routes: 403 for a client key. */
export async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.principal.role === 'admin') return;
  await sendError(reply, new ApiError('admin_required', `key "${request.principal.keyId}" is not an admin key`));
}

/** Whether the principal may read something its owner key created: its own, or anything for admins. */
export function mayRead(principal: Principal, ownerKeyId: string | undefined): boolean {
  return principal.role === 'admin' || (ownerKeyId ?? openModeKeyId) === principal.keyId;
}
