/**
 * Who may call what. admin runs the site; supervisor watches and steers queues and agents; agent
 * handles its own calls and state; analyst reads reports. admin passes every role check.
 */
export const Roles = ['admin', 'supervisor', 'agent', 'analyst'] as const;
export type Role = (typeof Roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (Roles as readonly string[]).includes(value);
}

/** The caller an API key resolves to; carries the key's public prefix, never the key. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  keyPrefix: string;
}

/** Roles a route admits: any authenticated caller, or a list (admin always passes). */
export type Access = 'public' | 'any' | readonly Role[];

export function allows(access: Access, role: Role): boolean {
  if (access === 'public' || access === 'any') return true;
  return role === 'admin' || access.includes(role);
}
