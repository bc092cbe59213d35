/**
 * The k first of `items` in the order `cmp` gives (negative: a before b), without sorting them all: a heap of k
 * holding the worst kept at its root, O(n log k). Pure.
 */
export function topN<T>(items: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  const heap: T[] = [];
  if (k <= 0) return heap;
  // heap[0] ranks last among those kept; a child never ranks after its parent
  const after = (i: number, j: number) => cmp(heap[i]!, heap[j]!) > 0;
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!after(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (cmp(item, heap[0]!) < 0) {
      heap[0] = item;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < heap.length && after(l, worst)) worst = l;
        if (r < heap.length && after(r, worst)) worst = r;
        if (worst === i) break;
        swap(i, worst);
        i = worst;
      }
    }
  }
  return heap.sort(cmp);
}
