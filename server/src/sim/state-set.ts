// Visited-state set: open addressing over two Int32Arrays (a state key is a pair of 32-bit words), so
// hashing a state allocates nothing and never touches doubles.
const EMPTY = -1; // `lo` words are never negative

export class StateSet {
  private hi: Int32Array;
  private lo: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 15) {
    let n = 1 << 4;
    while (n < capacity * 2) n <<= 1;
    this.hi = new Int32Array(n);
    this.lo = new Int32Array(n).fill(EMPTY);
    this.mask = n - 1;
  }

  /** Adds the key (hi, lo >= 0); false when it was already there. */
  add(hi: number, lo: number): boolean {
    if (this.size * 2 >= this.lo.length) this.grow();
    const H = this.hi;
    const L = this.lo;
    let i = hash(hi, lo) & this.mask;
    for (;;) {
      const v = L[i];
      if (v === EMPTY) {
        L[i] = lo;
        H[i] = hi;
        this.size++;
        return true;
      }
      if (v === lo && H[i] === hi) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oh = this.hi;
    const ol = this.lo;
    this.hi = new Int32Array(oh.length * 2);
    this.lo = new Int32Array(ol.length * 2).fill(EMPTY);
    this.mask = this.lo.length - 1;
    this.size = 0;
    for (let i = 0; i < ol.length; i++) if (ol[i] !== EMPTY) this.add(oh[i], ol[i]);
  }
}

function hash(hi: number, lo: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
