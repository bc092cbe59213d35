import { describe, expect, it } from 'vitest';
import { JobPool } from './pool.js';

describe('JobPool', () => {
  it('grants up to its size at once, then in arrival order as slots come back', async () => {
    const pool = new JobPool(2, 2);
    const order: string[] = [];
    expect(await pool.acquire()).toBe(true);
    expect(await pool.acquire()).toBe(true);
    expect(pool.full).toBe(true);
    const c = pool.acquire().then((ok) => order.push(`c:${ok}`));
    const d = pool.acquire().then((ok) => order.push(`d:${ok}`));
    expect(pool.queueFull).toBe(true);
    pool.release();
    await c;
    expect(order).toEqual(['c:true']);
    pool.release();
    await d;
    expect(order).toEqual(['c:true', 'd:true']);
    pool.release();
    pool.release();
    expect(pool.full).toBe(false);
  });

  it('close turns the waiting away', async () => {
    const pool = new JobPool(1, 5);
    await pool.acquire();
    const waiting = pool.acquire();
    pool.close();
    expect(await waiting).toBe(false);
  });
});
