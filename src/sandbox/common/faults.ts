/**
 * Scripted failures for the next n upstream-API calls, the same for every sandbox. A 'timeout' holds the
 * request open until release() (sandbox close or reset), so any client timeout fires first and close()
 * never waits on a hung test.
 */
export type FaultMode = 'rate_limit' | 'error' | 'timeout';

export const FAULT_MODES: readonly FaultMode[] = ['rate_limit', 'error', 'timeout'];

export interface Fault {
  mode: FaultMode;
  remaining: number;
  retryAfterSeconds?: number;
}

export interface FaultInjector {
  set(fault: Fault | null): void;
  current(): Fault | null;
  /** Consumes one fault for this request, if any is armed. */
  take(): Fault | null;
  /** A promise that settles when release() is called (sandbox close or reset). */
  hold(): Promise<void>;
  release(): void;
}

/** Creates an injector with no fault armed. */
export function createFaultInjector(): FaultInjector {
  let fault: Fault | null = null;
  const held = new Set<() => void>();
  return {
    set(next) {
      fault = next && next.remaining > 0 ? { ...next } : null;
    },
    current: () => (fault ? { ...fault } : null),
    take() {
      if (!fault) return null;
      const taken = { ...fault };
      fault.remaining -= 1;
      if (fault.remaining <= 0) fault = null;
      return taken;
    },
    hold() {
      return new Promise<void>((resolve) => held.add(resolve));
    },
    release() {
      for (const resolve of held) resolve();
      held.clear();
    },
  };
}
