/**
 * Per-port counters in one flat Float64Array with named offsets (one row of `STRIDE` values per
 * global port index), so the data path updates a number, never an object or a map.
 */
export const PC_TX_BYTES = 0;
export const PC_TX_WIRE_BYTES = 1;
export const PC_TX_PACKETS = 2;
export const PC_DROPS = 3;
export const PC_DROP_BYTES = 4;
export const PC_ECN_MARKS = 5;
export const PC_PAUSE_TX = 6;
export const PC_RESUME_TX = 7;
export const PC_PAUSE_RX = 8;
export const PC_RESUME_RX = 9;
export const PC_MAX_QUEUE_BYTES = 10;
export const PC_LOSSLESS_DROPS = 11;
/** Time paused per priority (ps), 8 values starting here. */
export const PC_PAUSED_PS = 12;
/** Data frames lost on the cable this port transmits on (random loss, `fabric.link_loss_rate`). */
export const PC_LINK_LOSSES = 20;
/** PFC watchdog trips of the port (any priority). */
export const PC_WATCHDOG_TRIPS = 21;
/** Packets the PFC watchdog discarded at the port (action 'drop'; also counted in PC_DROPS). */
export const PC_WATCHDOG_DROPS = 22;
/** Values per port (room for more counters). */
export const PC_STRIDE = 32;

/** Counters of every port of a fabric. */
export class PortCounters {
  readonly v: Float64Array;
  constructor(readonly ports: number) {
    this.v = new Float64Array(ports * PC_STRIDE);
  }
  get(port: number, field: number): number {
    return this.v[port * PC_STRIDE + field]!;
  }
  add(port: number, field: number, amount: number): void {
    this.v[port * PC_STRIDE + field]! += amount;
  }
  max(port: number, field: number, value: number): void {
    const i = port * PC_STRIDE + field;
    if (value > this.v[i]!) this.v[i] = value;
  }
  /** Sum of one field over all ports. */
  total(field: number): number {
    let s = 0;
    for (let p = 0; p < this.ports; p++) s += this.v[p * PC_STRIDE + field]!;
    return s;
  }
}
