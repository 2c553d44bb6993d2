import { healthSchedulerId, healthShardOf } from './health-shard';
import { ProbeLimiter } from './probe-limiter';

describe('health sweep helpers', () => {
  it('shards by the last 32 bits of the id, evenly', () => {
    expect(healthShardOf('3f2a9c1e-7b4d-4e8a-9f60-1c2d3e4f5a6b', 32)).toBe(0x3e4f5a6b % 32);
    expect(healthShardOf('3F2A9C1E-7B4D-4E8A-9F60-1C2D3E4FFFFF', 7)).toBe(0x3e4fffff % 7);
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[healthShardOf(crypto.randomUUID(), 8)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(() => healthShardOf('nope', 8)).toThrow();
    expect(healthSchedulerId(3)).toBe('health-sweep-3');
  });

  it('runs at most `limit` tasks at once and hands slots over in order', async () => {
    const limiter = new ProbeLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number, ms: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      order.push(i);
      return i;
    };
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.run(task(i, i === 0 ? 50 : 5))));
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(order[order.length - 1]).toBe(0);
    expect(limiter.inFlight).toBe(0);
    await expect(limiter.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(limiter.inFlight).toBe(0);
  });
});
