/**
 * At most `limit` probes at once across every sweep of this worker: a queue of waiters, no
 * polling. A hanging probe holds its slot only until its own deadline.
 */
export class ProbeLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error('limit must be at least 1');
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never dips below the real count.
      if (next) next();
      else this.active--;
    }
  }
}
