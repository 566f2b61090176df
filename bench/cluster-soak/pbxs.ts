/**
 * The simulated PBXs of a cluster soak phase, and which instance leads each.
 *
 * Every PBX is one AmiSimulator writing its own Master.csv, reached by the instances through a
 * Link of its own (so that one PBX's link can be cut while the others stay up), watched by a
 * TruthObserver of its own (never cut); its DialBegin clock runs with the agents (observers.ts). The first PBX is the service's
 * `default` one (the AMI_* variables, bare extensions); the others come from a CRM_TELEPHONY_CONFIG
 * file (extensions written `101@branch`), each with its own secret and CDR file, since a
 * non-default PBX inherits none of the default's CDR_* settings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_PBX_ID } from '../../src/service/pbx-config.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import type { PbxHealth } from '../../src/web/routes/health-routes.ts';
import { Link } from '../outage-recovery/link.ts';
import type { ServiceProcess } from '../outage-recovery/service-process.ts';
import { TruthObserver } from '../outage-recovery/truth.ts';

/** `default`, `branch`, then `branch3`, `branch4`...: valid PBX ids (src/calls/extension-address.ts). */
export function pbxIdOf(index: number): string {
  return index === 0 ? DEFAULT_PBX_ID : index === 1 ? 'branch' : `branch${index + 1}`;
}

/** What PBX `index`'s agents' logins start with: agentd101 (default), agentb101 (branch), agentb3-101... */
export function loginPrefixOf(index: number): string {
  return index === 0 ? 'agentd' : index === 1 ? 'agentb' : `agentb${index + 1}-`;
}

/**
 * `total` split over `parts` as evenly as whole numbers allow (the first parts get the remainder),
 * so that the shares add up to exactly the total: 100 calls/s over 2 PBXs is 50 + 50, 30 agents 15 + 15.
 */
export function split(total: number, parts: number): number[] {
  if (!Number.isInteger(total)) return Array.from({ length: parts }, () => total / parts);
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

export interface PbxRig {
  id: string;
  /** How its extensions are written outside the PBX: null (bare) for the default PBX, else its id. */
  qualifier: string | null;
  username: string;
  secret: string;
  /** The environment variable the instances read the secret from (non-default PBXs). */
  secretEnv: string;
  csvPath: string;
  sim: AmiSimulator;
  /** The simulator's own port (the link's is what the instances dial). */
  simPort: number;
  link: Link;
  truth: TruthObserver;
  /** Its agents' extensions as the PBX knows them ('101'...): what its load rings. */
  extensions: string[];
  /** Its agents' logins, in the order of `extensions`. */
  logins: string[];
}

/**
 * Starts PBX `index` (simulator, link, truth) with `agents` extensions from 101 up.
 * `started` receives each part as soon as it is up, so that the caller can close whatever a
 * failure half-way left open.
 */
export async function openPbx(index: number, agents: number, dir: string, started: (close: () => Promise<void>) => void): Promise<PbxRig> {
  const id = pbxIdOf(index);
  const qualifier = id === DEFAULT_PBX_ID ? null : id;
  // The default PBX keeps the simulator's own login, as before several PBXs; the others each a
  // user and secret of their own, so that a configuration that sent one PBX's login to another fails.
  const username = qualifier === null ? 'crm' : `crm-${id}`;
  const secret = qualifier === null ? 'crmsecret' : `${id}-secret`;
  const csvPath = join(dir, id, 'Master.csv');
  mkdirSync(join(dir, id), { recursive: true });
  const sim = new AmiSimulator({ port: 0, username, secret, cdrCsv: { path: csvPath } });
  started(() => sim.close());
  const { port } = await sim.listen();
  const link = await Link.open({ host: '127.0.0.1', port });
  started(() => link.close());
  const truth = new TruthObserver({ host: '127.0.0.1', port, username, secret, pbxId: id });
  started(() => truth.stop());
  await truth.start();
  const extensions = Array.from({ length: agents }, (_, i) => String(101 + i));
  const logins = extensions.map((ext) => `${loginPrefixOf(index)}${ext}`);
  return { id, qualifier, username, secret, secretEnv: `BENCH_SOAK_${id.toUpperCase()}_AMI_SECRET`, csvPath, sim, simPort: port, link, truth, extensions, logins };
}

/**
 * The instances' environment for the PBXs: AMI_* and CDR_* for the default one (the first), and
 * for the others a CRM_TELEPHONY_CONFIG file written into `dir` (none with one PBX, as a
 * single-PBX deployment runs).
 */
export function serviceEnvFor(pbxs: readonly PbxRig[], dir: string): Record<string, string> {
  const [first, ...others] = pbxs;
  if (first === undefined || first.qualifier !== null) throw new Error('the first PBX must be the default one');
  const env: Record<string, string> = {
    AMI_HOST: '127.0.0.1',
    AMI_PORT: String(first.link.port),
    AMI_USERNAME: first.username,
    AMI_SECRET: first.secret,
    CDR_SOURCE: 'csv',
    CDR_CSV_PATH: first.csvPath,
    CDR_TIMEZONE: 'UTC',
  };
  if (others.length === 0) return env;
  const file = join(dir, 'pbxs.json');
  const entries = others.map((p) => ({
    id: p.id,
    name: `Simulated PBX ${p.id}`,
    ami: { host: '127.0.0.1', port: p.link.port, username: p.username, secretEnv: p.secretEnv },
    // Its recordings as the default PBX's: MixMonitor's folder on the PBX (where the simulator says
    // it records), mounted here at a folder of its own that does not exist, as the default's does
    // not. Without a recordings source of its own the service logs every recording of the PBX as a
    // failed effect, which is no part of what the soak measures.
    settings: { CDR_SOURCE: 'csv', CDR_CSV_PATH: p.csvPath, CDR_TIMEZONE: 'UTC', RECORDINGS_PBX_DIR: '/var/spool/asterisk/monitor', RECORDINGS_LOCAL_DIR: join(dir, p.id, 'monitor') },
  }));
  writeFileSync(file, `${JSON.stringify({ pbxs: entries }, null, 2)}\n`);
  env['CRM_TELEPHONY_CONFIG'] = file;
  for (const p of others) env[p.secretEnv] = p.secret;
  return env;
}

type Health = { pbxs: Pick<PbxHealth, 'id' | 'state' | 'lead'>[] };

/**
 * Per PBX id, the instance that leads it and is connected to it now (a PBX not in the map has
 * none). Alone on PostgreSQL an instance still reports `lead`; without it, a connected PBX counts.
 */
export async function leadersNow(services: readonly ServiceProcess[]): Promise<Map<string, number>> {
  const healths = await Promise.all(services.map((s) => (s.running ? (s.health(1000) as Promise<Health | null>) : Promise.resolve(null))));
  const leaders = new Map<string, number>();
  healths.forEach((h, i) => {
    for (const p of h?.pbxs ?? []) {
      if (p.state === 'ready' && (p.lead === undefined || p.lead === 'leading') && !leaders.has(p.id)) leaders.set(p.id, i);
    }
  });
  return leaders;
}

/** Waits until every PBX has an instance that leads it and is connected to it; returns who leads which. */
export async function untilEveryPbxLed(services: readonly ServiceProcess[], pbxIds: readonly string[], maxMs: number): Promise<Map<string, number>> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const leaders = await leadersNow(services);
    if (pbxIds.every((id) => leaders.has(id))) return leaders;
    if (performance.now() > deadline) throw new Error(`PBX(s) ${pbxIds.filter((id) => !leaders.has(id)).join(', ')} not led by a connected instance within ${maxMs / 1000} s`);
    await sleep(50);
  }
}
