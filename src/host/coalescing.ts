import { z } from 'zod';

/*
 * [mlx5] Linux mlx5 driver (drivers/net/ethernet/mellanox/mlx5/core/en.h):
 *        MLX5E_PARAMS_DEFAULT_RX_CQ_MODERATION_USEC 0x10 (16 µs) and _PKTS 0x20 (32 packets),
 *        the ConnectX defaults `ethtool -c` shows as rx-usecs / rx-frames (adaptive moderation
 *        is not modelled).
 */

/**
 * The `hosts.coalescing` block, as `ethtool -C` sets it: a core that is idle when a packet lands
 * is interrupted only after `rx_frames` packets have arrived, or `rx_usecs` after the first of
 * them, whichever comes first; it then processes its ring as before (NAPI) and re-arms the
 * interrupt when the ring is empty. Absent: an interrupt per idle→busy transition, at once.
 */
export const coalescingSchema = z
  .object({
    rx_usecs: z.number().min(0).max(1e6).default(16).describe('µs from the first packet to the interrupt (ethtool rx-usecs; default 16 [mlx5]); 0: interrupt at once'),
    rx_frames: z.int().min(0).max(1 << 20).default(32).describe('packets that raise the interrupt before rx_usecs (ethtool rx-frames; default 32 [mlx5]); 0: no packet limit'),
  })
  .strict()
  .describe('interrupt coalescing (ethtool -C rx-usecs / rx-frames)');

export type CoalescingConfig = z.output<typeof coalescingSchema>;
