/**
 * A self-rescheduling worker: runs `fn` every `intervalMs`, never two runs at once, and at once when kicked
 * (a kick during a run causes one more run right after) or when `fn` says it left work behind (a full batch),
 * so a backlog drains at the speed of the work, not one batch per interval. Stopping waits for the run in
 * progress.
 */
export class WorkerLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly fn: () => Promise<boolean | void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs once now (also when stopped), waiting for a run in progress first. */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    await this.tick(false);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(true), ms);
    this.timer.unref();
  }

  private async tick(reschedule: boolean): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        if ((await this.fn()) === true) this.again = true;
      } catch (err) {
        this.onError(err);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped || !reschedule) return;
    const again = this.again;
    this.again = false;
    this.schedule(again ? 0 : this.intervalMs);
  }
}
