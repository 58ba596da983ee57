import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import type { Registry, Variant } from '../sim/registry.js';

/** One parameter as `fabricsim list` shows it. */
interface ParamLine {
  name: string;
  type: string;
  default: string;
  description: string;
}

function paramLines(schema: z.ZodType): ParamLine[] {
  let json: Record<string, any>;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
  } catch {
    return [];
  }
  const props = (json.properties ?? {}) as Record<string, any>;
  return Object.entries(props).map(([name, p]) => ({
    name,
    type: p.type ?? (p.anyOf ? p.anyOf.map((x: any) => x.type ?? x.const).join('|') : p.enum ? p.enum.join('|') : ''),
    default: p.default === undefined ? '' : JSON.stringify(p.default),
    description: p.description ?? '',
  }));
}

function section(title: string, reg: Registry<Variant<any>>): string {
  const lines = [`${title}:`];
  for (const v of reg.all()) {
    lines.push(`  ${v.name} — ${v.description}`);
    for (const p of paramLines(v.params)) {
      lines.push(`      ${p.name}${p.type ? ` (${p.type})` : ''}${p.default ? ` = ${p.default}` : ''}${p.description ? `: ${p.description}` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The text of `fabricsim list [what]`. */
export function listVariants(
  what: string | undefined,
  regs: { generators: Registry<any>; transports: Registry<any>; cc: Registry<any>; workloads: Registry<any>; stacks?: Registry<any> },
): string {
  const all: Record<string, [string, Registry<any>]> = {
    generators: ['topology generators', regs.generators],
    transports: ['transports', regs.transports],
    cc: ['congestion controls', regs.cc],
    workloads: ['workloads', regs.workloads],
    ...(regs.stacks !== undefined ? { stacks: ['host stacks (hosts.stack, parameters in hosts.params)', regs.stacks] as [string, Registry<any>] } : {}),
  };
  if (what !== undefined) {
    const key = what === 'congestion-controls' ? 'cc' : what;
    const entry = all[key];
    if (entry === undefined) {
      throw new ConfigError(`unknown list '${what}'; expected one of: ${Object.keys(all).join(', ')}`);
    }
    return section(entry[0], entry[1]);
  }
  return Object.values(all)
    .map(([t, r]) => section(t, r))
    .join('\n');
}
