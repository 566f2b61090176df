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

export async function simulateDemoCall(
  sim: AmiSimulator,
  input: { extension: string; from?: string; answer?: 'here' | 'elsewhere' | 'none' },
): Promise<{ callId: string }> {
  const caller = DEMO_CALLERS[next++ % DEMO_CALLERS.length]!;
  const from = input.from ?? caller.number.replace(/[^\d+]/g, '');
  const linkedid = await simulateInboundCall(sim, {
    extension: input.extension,
    from,
    name: input.from ? 'Unknown caller' : `${caller.firstName} ${caller.lastName}`,
    did: DID,
    answer: input.answer ?? 'none',
    ringMs: 8000,
    talkMs: 6000,
  });
  return { callId: `demo:${linkedid}` };
}
