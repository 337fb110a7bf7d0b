import { ConfigError, type SwitchyardConfig } from '@switchyard/core';

export interface ListenPlan {
  host: string;
  /** Said once at start-up when the API runs without keys. */
  openModeNotice: string | undefined;
}

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Where the API listens. With keys: `api.host`, default every interface. Without keys (open
 * mode, every caller is admin): loopback by default, and any other address only with
 * `auth.allowOpenNetwork: true`, because then anyone who reaches the port spends money.
 */
export function planListen(config: SwitchyardConfig): ListenPlan {
  if (config.auth.keys.length > 0) return { host: config.api.host ?? '0.0.0.0', openModeNotice: undefined };
  const host = config.api.host ?? '127.0.0.1';
  if (loopbackHosts.has(host)) {
    return {
      host,
      openModeNotice:
        `open mode: no API keys configured (auth.keys), so every caller is admin; listening on ${host} only. ` +
        'Add keys with `switchyard keys create` to serve other machines.',
    };
  }
  if (!config.auth.allowOpenNetwork) {
    throw new ConfigError('refusing to listen without API keys on a non-loopback address:', [
      `api.host: "${host}" with no auth.keys would let anyone who reaches the port submit work ` +
        'and read every answer; add keys (`switchyard keys create --id NAME`), ' +
        'or set auth.allowOpenNetwork: true (env SWITCHYARD_ALLOW_OPEN_NETWORK=1) to accept that',
    ]);
  }
  return {
    host,
    openModeNotice:
      `open mode on ${host}: no API keys configured and auth.allowOpenNetwork is set, ` +
      'so anyone who reaches this port is admin.',
  };
}
