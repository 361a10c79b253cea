/** The roles of the field's ownership model; each principal holds some of them, in some plants. */
export const ROLES = ['INTEGRATOR', 'OPERATIONS', 'QUALITY', 'SUPPLY_CHAIN', 'ADMIN', 'VIEWER', 'EDGE'] as const;
export type Role = (typeof ROLES)[number];

/** USER: a person with a token; API_KEY: a machine; SYSTEM: Plantgate itself or a connector; LOCAL: the open local mode. */
export type PrincipalKind = 'USER' | 'API_KEY' | 'SYSTEM' | 'LOCAL';

/** Who caused something: what travels in a message envelope, an audit entry and an outbound posting's headers. */
export interface PrincipalRef {
  id: string;
  name: string;
  kind: PrincipalKind;
}

/** Who made a request, with their rights. `plants` is '*' for every plant. */
export interface Principal extends PrincipalRef {
  roles: readonly Role[];
  plants: readonly string[] | '*';
}

/** Plantgate acting on its own account: a worker's re-submissions, sweepers, automatic replays. */
export function systemPrincipal(id: string, name: string): Principal {
  return { id, name, kind: 'SYSTEM', roles: ['INTEGRATOR'], plants: '*' };
}

export function principalRef(principal: PrincipalRef): PrincipalRef {
  return { id: principal.id, name: principal.name, kind: principal.kind };
}
