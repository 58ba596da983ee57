/**
 * A table of numeric columns in one growable Float64Array, row-major with a fixed stride, for
 * event logs and time series that may run to millions of rows without per-row objects.
 */
export class GrowableColumns {
  private data: Float64Array;
  private rows = 0;
  readonly stride: number;

  constructor(readonly names: readonly string[], initialRows = 1024) {
    this.stride = names.length;
    this.data = new Float64Array(initialRows * this.stride);
  }

  get length(): number {
    return this.rows;
  }

  get(row: number, col: number): number {
    return this.data[row * this.stride + col]!;
  }

  /** Appends a row (values beyond the stride are ignored; missing ones are 0). */
  push(...values: number[]): void {
    const base = this.reserve();
    for (let i = 0; i < this.stride; i++) this.data[base + i] = values[i] ?? 0;
  }

  /** Appends a row of up to five values without allocating. */
  push5(a: number, b: number, c: number, d: number, e: number): void {
    const base = this.reserve();
    const s = this.stride;
    this.data[base] = a;
    if (s > 1) this.data[base + 1] = b;
    if (s > 2) this.data[base + 2] = c;
    if (s > 3) this.data[base + 3] = d;
    if (s > 4) this.data[base + 4] = e;
  }

  private reserve(): number {
    if ((this.rows + 1) * this.stride > this.data.length) {
      const n = new Float64Array(this.data.length * 2);
      n.set(this.data);
      this.data = n;
    }
    return this.rows++ * this.stride;
  }
}
