import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.js';

describe('Fifo', () => {
  it('takes oldest first, by one or by n, and is empty after', () => {
    const q = new Fifo<number>();
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.shift()).toBe(1);
    expect(q.take(2)).toEqual([2, 3]);
    expect(q.size).toBe(2);
    expect(q.take(10)).toEqual([4, 5]);
    expect(q.shift()).toBeUndefined();
    expect(q.take(3)).toEqual([]);
    expect(q.size).toBe(0);
  });
  it('loses nothing and keeps the order across its compactions', () => {
    const q = new Fifo<number>();
    const got: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 1000; i++) q.push(next++);
      for (let i = 0; i < 700; i++) got.push(q.shift()!);
      got.push(...q.take(250));
    }
    while (q.size) got.push(...q.take(333));
    expect(got).toEqual(Array.from({ length: next }, (_, i) => i));
  });
});
