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
