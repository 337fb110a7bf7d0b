import { hashApiKey, type SwitchyardConfig } from '@switchyard/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, sendError } from '../api-errors.ts';
import { openModePrincipal, type Principal } from './principal.ts';

/** The admin pages check keys and session cookies themselves (a browser sends no Bearer header). */
const selfGuarded = /^\/(admin|dashboard)(\/|$|\?)/;

/** The principal of public routes called without a key: reads nothing that belongs to a key. */
const anonymous: Readonly<Principal> = Object.freeze({ keyId: 'anonymous', role: 'client' });

/**
 * Authenticates every request before its body is read (so an unauthenticated upload costs us
 * nothing): `Authorization: Bearer <key>` is hashed and looked up among `auth.keys`. Routes are
 * closed unless their config says `public: true`; unknown paths too, so a typo never answers
 * without a key. In open mode every request is the local admin.
 */
export function installAuth(app: FastifyInstance, config: SwitchyardConfig): void {
  const byHash = new Map<string, Principal>(
    config.auth.keys.map((key) => [key.hash, Object.freeze({ keyId: key.id, role: key.role })]),
  );
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request, reply) => {
    if (byHash.size === 0) {
      request.principal = openModePrincipal;
      return;
    }
    const found = principalOf(request, byHash);
    if (found instanceof ApiError) {
      if (request.routeOptions.config?.public === true || selfGuarded.test(request.url)) {
        request.principal = anonymous;
        return;
      }
      return sendError(reply, found);
    }
    request.principal = found;
  });
}

/** Who a presented key belongs to (for the admin pages' login), or undefined for an unknown key. */
export function createKeyCheck(config: SwitchyardConfig): (key: string) => Principal | undefined {
  const byHash = new Map(config.auth.keys.map((key) => [key.hash, { keyId: key.id, role: key.role }]));
  return (key) => byHash.get(hashApiKey(key));
}

function principalOf(request: FastifyRequest, byHash: ReadonlyMap<string, Principal>): Principal | ApiError {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    return new ApiError(
      'invalid_api_key',
      'no API key: send it as "Authorization: Bearer <key>" (keys come from `switchyard keys create`)',
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    return new ApiError('invalid_api_key', 'the Authorization header must be "Bearer <key>"');
  }
  // A lookup by hash: comparing digests leaks nothing useful about the secret through timing.
  const principal = byHash.get(hashApiKey(match[1]));
  // Never echo the key back, not even a prefix: error bodies end up in client logs.
  return principal ?? new ApiError('invalid_api_key', 'the API key is not valid');
}
