import { describe, expect, it } from 'vitest';
import { LogGates, passGate, type GateState } from './log-gate.js';

const g = (openedAt: number, suppressed = 0): GateState => ({ openedAt, suppressed });

describe('passGate (period 10 s)', () => {
  it.each<[string, GateState | undefined, number, boolean, number, GateState]>([
    ['first line', undefined, 5_000, true, 0, g(5_000)],
    ['same instant', g(5_000), 5_000, false, 0, g(5_000, 1)],
    ['inside the period', g(5_000, 3), 14_999, false, 0, g(5_000, 4)],
    ['the period is over: says how many were held back', g(5_000, 4), 15_000, true, 4, g(15_000)],
    ['long after, nothing held back', g(5_000), 1_000_000, true, 0, g(1_000_000)],
    ['clock went backwards', g(5_000, 2), 4_000, true, 2, g(4_000)],
  ])('%s', (_name, prev, now, emit, suppressed, next) => {
    expect(passGate(prev, now, 10_000)).toEqual({ emit, suppressed, next });
  });
});

describe('LogGates', () => {
  it('a flood of 1,000 lines in 10 s lets one through, the next period reports 999', () => {
    const gates = new LogGates(10_000);
    const out = Array.from({ length: 1000 }, (_, i) => gates.pass('7:malformed', 1_000 + i)).filter((d) => d.emit);
    expect(out).toEqual([{ emit: true, suppressed: 0 }]);
    expect(gates.pass('7:malformed', 11_000)).toEqual({ emit: true, suppressed: 999 });
  });

  it('keys are independent', () => {
    const gates = new LogGates(10_000);
    expect(gates.pass('1:malformed', 0).emit).toBe(true);
    expect(gates.pass('2:malformed', 0).emit).toBe(true);
    expect(gates.pass('1:foreign_job', 0).emit).toBe(true);
    expect(gates.pass('1:malformed', 1).emit).toBe(false);
  });

  it('forgets the least recently used key beyond its cap', () => {
    const gates = new LogGates(10_000, 2);
    gates.pass('a', 0);
    gates.pass('b', 0);
    gates.pass('a', 1); // a is now the most recent
    gates.pass('c', 2); // b goes
    expect(gates.pass('a', 3).emit).toBe(false);
    expect(gates.pass('b', 4).emit).toBe(true);
  });
});
