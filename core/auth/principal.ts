export const ROLES = ['integrator', 'operator', 'quality', 'supply-chain', 'admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who made a request. Every request carries one from the gateway onwards, into the audit trail. */
export interface Principal {
  id: string;
  roles: readonly Role[];
}
