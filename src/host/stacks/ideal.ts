import { z } from 'zod';
import type { StackVariant } from '../stack.js';

/** The zero-cost host: every packet reaches its transport the moment it arrives (the default). */
export const idealStack: StackVariant<Record<string, never>> = {
  name: 'ideal',
  description: 'zero-cost host: packets reach the transport on arrival, no CPU accounted (default)',
  params: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  create: () => ({ name: 'ideal', rx: [], tx: [], pollMode: false, ideal: true, budget: 1 }),
};
