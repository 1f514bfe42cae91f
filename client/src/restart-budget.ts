// Bounded restarts: a crashing server is restarted at most `max` times in a sliding window,
// so a server that dies on start-up does not loop forever. Pure: no vscode imports (unit-tested).

export class RestartBudget {
  private readonly crashes: number[] = [];

  constructor(
    readonly max = 5,
    readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; returns true when another restart is still allowed. */
  recordCrash(): boolean {
    const t = this.now();
    this.crashes.push(t);
    while (this.crashes.length > 0 && t - this.crashes[0] > this.windowMs) this.crashes.shift();
    return this.crashes.length <= this.max;
  }

  /** Crashes counted in the current window. */
  get recent(): number {
    const t = this.now();
    return this.crashes.filter((c) => t - c <= this.windowMs).length;
  }

  /** Forget past crashes, e.g. after a manual restart. */
  reset(): void {
    this.crashes.length = 0;
  }
}
