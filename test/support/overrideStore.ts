import type { Store } from '../../src/store/types.js';

/**
 * The store with some of its methods replaced, for staging a failure or a race on one call; every other
 * member is the real store's, its methods bound to it. A replacement calls the real store through `store`.
 */
export function overrideStore<S extends Store>(store: S, overrides: Partial<Store>): S {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof Store];
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * The store with every claim whose key `held(key)` says is taken by someone else refused, on each path a
 * claim is made (setIfAbsent, and claimAndRead where the backend has it, where a held guard also shows as
 * taken): a lock another replica holds, for as long as `held` says so.
 */
export function claimsHeldElsewhere<S extends Store>(store: S, held: (key: string) => boolean): S {
  const overrides: Partial<Store> = {
    setIfAbsent: (key, value, ttlMs) => (held(key) ? Promise.resolve(false) : store.setIfAbsent(key, value, ttlMs)),
  };
  const claimAndRead = store.claimAndRead?.bind(store);
  if (claimAndRead) {
    overrides.claimAndRead = async (claim, owner, ttlMs, keys, guard) => {
      if (held(claim)) return { claimed: false };
      if (guard !== undefined && held(guard)) {
        const got = await claimAndRead(claim, owner, ttlMs, keys);
        return got.claimed ? { claimed: true, guarded: true } : got;
      }
      return claimAndRead(claim, owner, ttlMs, keys, guard);
    };
  }
  return overrideStore(store, overrides);
}
