import { z } from 'zod';

/** Parameters of the TCP transport, with their defaults. */
export const tcpParams = z
  .object({
    priority: z.int().min(0).max(7).default(0).describe('traffic class of data segments (a lossy class unless PFC covers it)'),
    ack_priority: z.int().min(0).max(7).optional().describe('traffic class of ACKs; defaults to `priority`'),
    timestamps: z.boolean().default(true).describe('the 12-byte timestamps option on every segment (RFC 7323; Linux default): MSS = MTU - 52 instead of MTU - 40, and an RTT sample from every ACK'),
    sack: z.boolean().default(true).describe('selective acknowledgements (RFC 2018) and SACK-based loss recovery (RFC 6675); false: cumulative ACKs only (NewReno recovery, one hole per round trip)'),
    ecn: z.boolean().default(true).describe('ECN: data segments are ECT(0), ACKs echo CE marks (ECE) to the congestion control'),
    ack_every: z.int().min(1).max(64).default(2).describe('delayed ACKs: one ACK per this many in-order segments (RFC 9293 / RFC 1122: 2)'),
    delayed_ack_us: z.number().min(0).max(500_000).default(40_000).describe('delayed-ACK timer in microseconds (Linux minimum: 40 ms; 0: ACK every segment at once)'),
    min_rto_ms: z.number().positive().max(60_000).default(200).describe('minimum retransmission timeout in ms (Linux: 200; datacenter tuning: 1 or less; RFC 6298: 1000)'),
    max_rto_ms: z.number().positive().max(600_000).default(120_000).describe('maximum retransmission timeout in ms (Linux: 120 s)'),
    initial_rto_ms: z.number().positive().max(60_000).default(1000).describe('retransmission timeout before the first RTT sample in ms (RFC 6298: 1 s)'),
    clock_granularity_us: z.number().min(0).max(1e6).default(1).describe('clock granularity G in the RTO formula SRTT + max(G, 4 RTTVAR), microseconds'),
    prr: z.boolean().default(true).describe('proportional rate reduction during fast recovery (RFC 6937; Linux since 3.2): send one segment per ssthresh/RecoverFS delivered instead of waiting for pipe to fall below the halved window; false: RFC 6675 cwnd-limited recovery'),
    dupack_threshold: z.int().min(1).max(64).default(3).describe('duplicate ACKs (or SACKed segments above the oldest) that trigger fast retransmit (RFC 5681/6675: 3)'),
    handshake: z.boolean().default(false).describe('open each connection with a SYN / SYN-ACK exchange before the data (one more round trip; its RTT seeds the RTO; a lost SYN waits initial_rto_ms); false: the connection is open at the start and the idle path RTT seeds the RTO'),
    rwnd_bytes: z.int().min(1024).max(65535 * 2 ** 14).default(6 * 1024 * 1024).describe('receive buffer in bytes: the advertised window is this less the out-of-order bytes held (the application reads at once)'),
    window_scaling: z.boolean().default(true).describe('the window scale option (RFC 7323 §2; Linux net.ipv4.tcp_window_scaling=1): the 16-bit window field counts units of 2^scale bytes, scale the smallest (≤ 14) that fits rwnd_bytes; false: at most 65535 bytes in flight, so a long fat path runs at 65535 B / RTT'),
  })
  .strict();

/** Validated TCP parameters. */
export type TcpParams = z.infer<typeof tcpParams>;
