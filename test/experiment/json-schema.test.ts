import { describe, expect, it } from 'vitest';
import { experimentJsonSchema } from '../../src/experiment/index.js';
import { generators } from '../../src/topology/generators/index.js';
import { congestionControls } from '../../src/transport/cc/index.js';
import { transports } from '../../src/transport/registry.js';
import { workloads } from '../../src/workload/index.js';

type Json = Record<string, any>;
const schema = experimentJsonSchema() as Json;

/** The entries of a union property (`anyOf` or `oneOf`). */
const optionsOf = (prop: Json): Json[] => prop.anyOf ?? prop.oneOf ?? [];

describe('experimentJsonSchema', () => {
  it('is a JSON-serialisable draft 2020-12 object schema of every top-level field', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'description', 'seed', 'topology', 'fabric', 'transport', 'cc', 'workload', 'stop', 'outputs']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'workload']));
    expect(schema.required).not.toContain('fabric');
  });

  it('describes every field', () => {
    const missing: string[] = [];
    const walk = (s: Json, path: string): void => {
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Json>)) {
        if (v.description === undefined) missing.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
        optionsOf(v).forEach((o, i) => walk(o, `${path}.${k}[${i}]`));
      }
    };
    walk(schema, '$');
    expect(missing).toEqual([]);
  });

  it('offers one transport, cc and workload entry per registered variant, with kind as a constant', () => {
    for (const [prop, registry] of [
      ['transport', transports],
      ['cc', congestionControls],
      ['workload', workloads],
    ] as const) {
      const kinds = optionsOf(schema.properties[prop]).map((o) => o.properties.kind.const);
      expect(kinds).toEqual(registry.names());
    }
    const incast = optionsOf(schema.properties.workload).find((o) => o.properties.kind.const === 'incast')!;
    expect(Object.keys(incast.properties)).toEqual(expect.arrayContaining(['receiver', 'senders', 'bytes', 'start_ns', 'jitter_ns', 'verb']));
    expect(incast.required).toEqual(expect.arrayContaining(['kind', 'senders', 'bytes']));
    expect(incast.additionalProperties).toBe(false);
  });

  it('offers one topology entry per generator, plus a file', () => {
    const options = optionsOf(schema.properties.topology);
    expect(options.filter((o) => o.properties.generator).map((o) => o.properties.generator.const)).toEqual(generators.names());
    expect(options.some((o) => o.properties.file && !o.properties.generator)).toBe(true);
    const fatTree = options.find((o) => o.properties.generator?.const === 'fat-tree')!;
    expect(fatTree.properties.params.properties.k.type).toBe('integer');
  });

  it('spells out the fabric block, with defaults', () => {
    const fabric = schema.properties.fabric;
    expect(fabric.properties.mtu).toMatchObject({ type: 'integer', minimum: 256, maximum: 4096, default: 1024 });
    expect(fabric.properties.pfc.properties.xoff_bytes.default).toBe(98304);
    expect(optionsOf(fabric.properties.ecn).map((o) => o.properties.kind.const)).toEqual(['none', 'threshold', 'red', 'ib-fecn']);
  });
});
