import type { Knex } from 'knex';

/** A Knex that resolves to the harness's database once it exists (routes are built before it). */
export function lateKnex(get: () => Knex): Knex {
  return new Proxy(function () {} as unknown as Knex, {
    apply: (_t, _this, args: unknown[]) => (get() as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_t, p) => {
      const k = get() as unknown as Record<PropertyKey, unknown>;
      const v = k[p];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(k) : v;
    },
  });
}
