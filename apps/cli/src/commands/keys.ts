import { apiKeySchema, formatIssues, hashApiKey, newApiKey } from '@switchyard/core';

export interface KeysFlags {
  id?: string | undefined;
  role?: string | undefined;
}

/**
 * `switchyard keys create --id NAME [--role admin]`: a new secret, printed once, and the config
 * line holding only its hash. Nothing is written anywhere: the config is the one place keys live.
 */
export function keys(action: string | undefined, flags: KeysFlags, print: (text: string) => void): void {
  if (action !== 'create')
    throw new Error(`keys: unknown action "${action ?? ''}" (use: switchyard keys create --id NAME)`);
  if (flags.id === undefined) throw new Error('keys create needs --id NAME (the name records and logs will show)');
  const secret = newApiKey();
  const parsed = apiKeySchema.safeParse({ id: flags.id, hash: hashApiKey(secret), role: flags.role ?? 'client' });
  if (!parsed.success) throw new Error(`keys create: ${formatIssues(parsed.error.issues).join('; ')}`);
  const key = parsed.data;
  print(`API key for "${key.id}" (${key.role}). It is shown only this once; Switchyard keeps just its hash:`);
  print('');
  print(`  ${secret}`);
  print('');
  print('Add this entry under auth.keys in your config file, then restart the API:');
  print('');
  print('auth:');
  print('  keys:');
  print(`    - { id: ${key.id}, hash: "${key.hash}", role: ${key.role} }`);
  print('');
  print('Clients send it as "Authorization: Bearer <key>" (the CLI: --api-key or SWITCHYARD_API_KEY).');
}
