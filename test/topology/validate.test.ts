import { MultiUndirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/generators/index.js';
import type { EdgeAttributes, GraphAttributes, NodeAttributes, Topology } from '../../src/topology/types.js';
import { validateTopology } from '../../src/topology/validate.js';
import { configError } from './helpers.js';

/** A valid star: sw0 with hosts h0..h2 over edges e0..e2. */
const star = (): Topology => buildTopology('star', { hosts: 3 });

describe('validateTopology', () => {
  it('accepts the output of every generator', () => {
    for (const name of ['star', 'dumbbell', 'leaf-spine', 'fat-tree', 'dragonfly', 'torus']) {
      expect(() => validateTopology(buildTopology(name, {}))).not.toThrow();
    }
  });

  it('names an unreachable node and the component sizes of a disconnected graph', () => {
    const g = star();
    g.addNode('sw9', { role: 'switch' });
    g.addNode('h8', { role: 'host' });
    g.addEdge('h8', 'sw9', { rate_gbps: 100, delay_ns: 0 });
    const err = configError(() => validateTopology(g, { file: 'topo.json' }));
    expect(err.message).toMatch(/^topo\.json: the graph is not connected: node 'sw9' cannot be reached from 'sw0'/);
    expect(err.message).toContain('2 components of sizes 4, 2');
    expect(err.file).toBe('topo.json');
  });

  it('rejects a multi-homed host, naming it and its switches', () => {
    const g = star();
    g.addNode('sw1', { role: 'switch' });
    g.addEdge('sw1', 'sw0', { rate_gbps: 100, delay_ns: 1 });
    g.addEdge('h1', 'sw1', { rate_gbps: 100, delay_ns: 1 });
    expect(configError(() => validateTopology(g)).message).toMatch(/host 'h1' has 2 links \(to 'sw0', 'sw1'\); multi-homed hosts are not supported yet/);
  });

  it('rejects a host with two parallel links to one switch', () => {
    const g = star();
    g.addEdge('h2', 'sw0', { rate_gbps: 100, delay_ns: 1 });
    expect(configError(() => validateTopology(g)).message).toMatch(/host 'h2' has 2 links/);
  });

  it('rejects a zero, negative, infinite or missing rate, naming the edge', () => {
    for (const bad of [0, -5, Infinity, NaN, undefined]) {
      const g = star();
      g.setEdgeAttribute('e1', 'rate_gbps', bad as number);
      const msg = configError(() => validateTopology(g)).message;
      expect(msg).toContain(`edge 'e1' (h1–sw0) has rate_gbps ${String(bad)}`);
      expect(msg).toContain('greater than 0');
    }
  });

  it('rejects a negative or non-finite delay, naming the edge, and accepts 0', () => {
    for (const bad of [-1, Infinity, NaN]) {
      const g = star();
      g.setEdgeAttribute('e2', 'delay_ns', bad);
      expect(configError(() => validateTopology(g)).message).toContain(`edge 'e2' (h2–sw0) has delay_ns ${bad}`);
    }
    const g = star();
    g.setEdgeAttribute('e2', 'delay_ns', 0);
    expect(() => validateTopology(g)).not.toThrow();
  });

  it('rejects a bad role, naming the node and the allowed roles', () => {
    const g = star();
    g.setNodeAttribute('h1', 'role', 'hots' as never);
    expect(configError(() => validateTopology(g)).message).toBe(`node 'h1' has role "hots"; set its role to one of: host, switch, router`);
    g.removeNodeAttribute('h1', 'role');
    expect(configError(() => validateTopology(g)).message).toContain(`node 'h1' has role undefined`);
  });

  it('rejects fewer than 2 hosts', () => {
    const g = new MultiUndirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>();
    g.addNode('sw', { role: 'switch' });
    g.addNode('h0', { role: 'host' });
    g.addEdge('h0', 'sw', { rate_gbps: 1, delay_ns: 0 });
    expect(configError(() => validateTopology(g)).message).toContain('at least 2 hosts');
  });

  it('rejects a self-loop', () => {
    const g = star();
    g.addEdgeWithKey('loop', 'sw0', 'sw0', { rate_gbps: 100, delay_ns: 0 });
    expect(configError(() => validateTopology(g)).message).toContain(`edge 'loop' (sw0–sw0) is a self-loop`);
  });

  it('rejects a host linked to a host and a host with no link', () => {
    const g = new MultiUndirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>();
    g.addNode('a', { role: 'host' });
    g.addNode('b', { role: 'host' });
    g.addEdge('a', 'b', { rate_gbps: 1, delay_ns: 0 });
    expect(configError(() => validateTopology(g)).message).toContain(`host 'a' is linked to host 'b'`);
    const s = star();
    s.dropEdge('e0');
    expect(configError(() => validateTopology(s)).message).toContain(`host 'h0' has no link`);
  });

  it('checks switch buffer_bytes', () => {
    for (const bad of [0, -1, 1.5]) {
      const g = star();
      g.setNodeAttribute('sw0', 'buffer_bytes', bad);
      expect(configError(() => validateTopology(g)).message).toContain(`switch 'sw0' has buffer_bytes ${bad}`);
    }
    const g = star();
    g.setNodeAttribute('sw0', 'buffer_bytes', 12 * 1024 * 1024);
    expect(() => validateTopology(g)).not.toThrow();
  });
});
