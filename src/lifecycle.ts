/**
 * Start and stop as ordered, named, logged steps. Each step that needs stopping leaves its stop behind;
 * stopping runs them in the reverse order of starting, a stage at a time (steps started `together` with the
 * one before stop at the same time, e.g. the scheduler and the requests in flight drain together). A step
 * that fails to stop is logged and the rest still stop. A start that fails stops what had started.
 */
import type { Logger } from 'pino';

interface Step {
  name: string;
  stop: () => Promise<void> | void;
}

export class Lifecycle {
  private readonly stages: Step[][] = [];

  constructor(private readonly logger: Logger) {}

  /** Runs `start` as the step `name`; `stop` (given the started value) is kept for stopAll. */
  async step<T>(name: string, start: () => Promise<T> | T, stop?: (value: T) => Promise<void> | void, opts: { together?: boolean } = {}): Promise<T> {
    const t0 = performance.now();
    let value: T;
    try {
      value = await start();
    } catch (err) {
      this.logger.debug({ step: name, err }, 'start step failed; stopping what started');
      await this.stopAll();
      throw err;
    }
    this.logger.debug({ step: name, ms: Math.round(performance.now() - t0) }, 'started');
    if (stop) {
      const s = { name, stop: () => stop(value) };
      const last = this.stages[this.stages.length - 1];
      if (opts.together && last) last.push(s);
      else this.stages.push([s]);
    }
    return value;
  }

  /** Stops every started step, last first; each stop is logged with its duration. Safe to call twice. */
  async stopAll(): Promise<void> {
    while (this.stages.length > 0) {
      const stage = this.stages.pop()!;
      await Promise.all(
        stage.map(async (s) => {
          const t0 = performance.now();
          try {
            await s.stop();
            this.logger.debug({ step: s.name, ms: Math.round(performance.now() - t0) }, 'stopped');
          } catch (err) {
            this.logger.warn({ step: s.name, err }, 'stop step failed');
          }
        }),
      );
    }
  }
}
