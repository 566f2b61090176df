/** Callers the demo knows, and the "simulate an incoming call" action behind the demo control. */
import type { AmiSimulator } from '../simulator/ami-simulator.ts';
import { simulateInboundCall } from '../simulator/scenarios/index.ts';

export const DEMO_CALLERS = [
  { id: 'demo-caller-1', firstName: 'John', lastName: 'Customer', number: '+1 (555) 123-0001', owner: 'alice' },
  { id: 'demo-caller-2', firstName: 'Иван', lastName: 'Петров', number: '+7 916 123-45-67', owner: 'bob' },
  { id: 'demo-caller-3', firstName: 'Sofia', lastName: 'Garcia', number: '+34 911 23 45 67', owner: 'carol' },
  { id: 'demo-caller-4', firstName: 'Priya', lastName: 'Raman', number: '+44 7700 900123', owner: 'alice' },
] as const;

const DID = '5550100';
let next = 0;

/**
 * One demo call to `extension`: from `from` (E.164) with no caller name, as a carrier sends a
 * number it has no name for (`<unknown>`: the card shows the number, or the record it matches),
 * or else from the next of DEMO_CALLERS, with their name. `speed` plays it faster (tests).
 */
export async function simulateDemoCall(
  sim: AmiSimulator,
  input: { extension: string; from?: string; answer?: 'here' | 'elsewhere' | 'none' },
  options: { speed?: number } = {},
): Promise<{ callId: string }> {
  let from: string;
  let name: string | null;
  if (input.from) {
    from = input.from;
    name = null;
  } else {
    const caller = DEMO_CALLERS[next++ % DEMO_CALLERS.length]!;
    from = caller.number.replace(/[^\d+]/g, '');
    name = `${caller.firstName} ${caller.lastName}`;
  }
  const linkedid = await simulateInboundCall(sim, {
    extension: input.extension,
    from,
    name,
    did: DID,
    answer: input.answer ?? 'none',
    ringMs: 8000,
    talkMs: 6000,
    ...(options.speed === undefined ? {} : { speed: options.speed }),
  });
  return { callId: `demo:${linkedid}` };
}
