export { createKeyCheck, installAuth } from './install-auth.ts';
export { planListen, type ListenPlan } from './listen-host.ts';
export { mayRead, openModePrincipal, requireAdmin, type Principal } from './principal.ts';
