/**
 * Rate limiting of log lines: at most one line per key per period, and the line that opens a new period
 * says how many were held back in the last one. Pure: the caller brings the time.
 */
export interface GateState {
  /** When the line that opened the current period was let through. */
  openedAt: number;
  /** Lines held back since then. */
  suppressed: number;
}

export interface GateDecision {
  emit: boolean;
  /** With `emit`: lines held back since the previous line went out. */
  suppressed: number;
  next: GateState;
}

export function passGate(prev: GateState | undefined, now: number, periodMs: number): GateDecision {
  // a clock that went backwards opens a new period rather than silencing the key until it catches up
  if (prev && now >= prev.openedAt && now - prev.openedAt < periodMs) {
    return { emit: false, suppressed: 0, next: { openedAt: prev.openedAt, suppressed: prev.suppressed + 1 } };
  }
  return { emit: true, suppressed: prev?.suppressed ?? 0, next: { openedAt: now, suppressed: 0 } };
}

/** One gate per key (e.g. probe and kind of line). Keys are few (enrolled probes × kinds); the map is capped anyway. */
export class LogGates {
  private readonly gates = new Map<string, GateState>();

  constructor(
    private readonly periodMs = 10_000,
    private readonly maxKeys = 10_000,
  ) {}

  pass(key: string, now: number): { emit: boolean; suppressed: number } {
    const decision = passGate(this.gates.get(key), now, this.periodMs);
    this.gates.delete(key); // re-inserted last, so the oldest key goes first when the map is full
    this.gates.set(key, decision.next);
    if (this.gates.size > this.maxKeys) this.gates.delete(this.gates.keys().next().value!);
    return { emit: decision.emit, suppressed: decision.suppressed };
  }
}
