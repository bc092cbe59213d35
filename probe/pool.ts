/** Slots for one kind of work (operations): at most `size` at once, at most `queueMax` waiting, in arrival order. */
export class JobPool {
  private active = 0;
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(
    readonly size: number,
    readonly queueMax: number,
  ) {}

  /** Whether a job arriving now would wait. */
  get full(): boolean {
    return this.active >= this.size;
  }

  /** Whether the queue can take one more. */
  get queueFull(): boolean {
    return this.waiting.length >= this.queueMax;
  }

  /** Resolves true with a slot held (give it back with `release`), or false when the pool is closed first. */
  acquire(): Promise<boolean> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    // the slot passes straight to the next in line
    if (next) next(true);
    else this.active--;
  }

  /** Turns every waiting job away (the probe is stopping). */
  close(): void {
    for (const w of this.waiting.splice(0)) w(false);
  }
}
