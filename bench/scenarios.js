// Fixed benchmark scenarios (see DESIGN.md, "Performance"). Plain experiment objects, as a
// library user would pass them to runExperiment().

/** The reference scenario: k=16 fat tree, 1,024 hosts, 100 Gb/s, 1 µs per hop, MTU 4000,
 * a permutation of 1,024 × 2 MB RoCEv2 WRITEs over PFC with per-flow ECMP. */
export const reference = {
  name: 'bench-fat-tree-k16-permutation',
  seed: 1,
  topology: { generator: 'fat-tree', params: { k: 16, rate_gbps: 100, delay_ns: 1000 } },
  fabric: { mtu: 4000, pfc: { enabled: true, priorities: [3] }, routing: { ecmp: 'hash' } },
  transport: { kind: 'roce-v2' },
  cc: { kind: 'none' },
  workload: { kind: 'permutation', bytes: 2_000_000 },
  outputs: { samples_interval_ns: 0 },
};

/** A small scenario: the quickstart incast shape, 8 × 1 MB into one host of a 4×2 leaf-spine. */
export const small = {
  name: 'bench-leaf-spine-incast',
  seed: 1,
  topology: { generator: 'leaf-spine', params: { leaves: 4, spines: 2, hosts_per_leaf: 4 } },
  fabric: { mtu: 1024, pfc: { enabled: true, priorities: [3] } },
  transport: { kind: 'roce-v2' },
  workload: { kind: 'incast', receiver: 'h0', senders: 8, bytes: 1_000_000 },
  outputs: { samples_interval_ns: 0 },
};

export const scenarios = { small, reference };
