/**
 * A first-in first-out queue over an array with a moving head: shift() without Array#shift's copying, the array
 * compacted once the taken part is large (more than 4,096 and more than half). Pure.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T) {
    this.items.push(item);
  }

  /** The oldest item, taken; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined; // let it be collected before the compaction
    this.compact();
    return item;
  }

  /** Up to `n` items, oldest first. */
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n) as T[];
    this.head += out.length;
    this.compact();
    return out;
  }

  private compact() {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
