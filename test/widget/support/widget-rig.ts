/**
 * The widget's world for the browser tests: the real service in-process (as `npm start` wires it,
 * with CORS_ORIGINS and CRM_WIDGET_SECRET set) against the PBX simulator; a SuiteCRM stand-in on
 * another site serving the snapshot pages with the hook's output; and the SuiteCRM fixture's
 * people and records in our directory as the sync leaves them (source `suitecrm`, SuiteCRM's ids
 * as external ids, our own ids whatever they are).
 */
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from '../../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../../src/service/service.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { PBX_ID } from '../../browser/support/console.ts';
import { ensureWidgetBuilt } from './widget-build.ts';
import { SuiteServer } from './suite-server.ts';
import { signWidgetToken } from '../../../src/web/auth/crm-sso.ts';

export const SECRET = 'browser-test-widget-secret-0123456789abcdef';

interface Fixture {
  ids: Record<string, string>;
  summary: { key: string; module: string; id: string; name: string; phones: Record<string, string>; asterisk_ext_c?: string; account_id?: string }[];
}
const FIXTURE = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/suitecrm-api/fixture.json', import.meta.url)), 'utf8')) as Fixture;
/** SuiteCRM's ids of the fixture's users and records (U1 Alice Agent, C1 Ivan Petrov, A1 Romashka LLC, L1 Pavel Sidorov...). */
export const CRM = FIXTURE.ids;

const KIND: Record<string, 'work' | 'mobile' | 'home' | 'other' | 'fax' | 'office' | 'alternate'> = {
  phone_work: 'work',
  phone_mobile: 'mobile',
  phone_home: 'home',
  phone_other: 'other',
  phone_fax: 'fax',
  phone_office: 'office',
  phone_alternate: 'alternate',
};

export interface WidgetRig {
  sim: AmiSimulator;
  service: Service;
  suite: SuiteServer;
  /** The service's base URL (another site than SuiteCRM's). */
  serviceUrl: string;
  /** Our ids of the fixture's records and users, by fixture key (C1, A1, L1, U1...). */
  ours: Record<string, string>;
  /** Stops the service and the PBX (SuiteCRM's stand-in stays up). */
  stopService(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startWidgetRig(): Promise<WidgetRig> {
  await ensureWidgetBuilt();
  const suite = new SuiteServer({ userId: CRM['U1']!, secret: SECRET });
  const suiteOrigin = await suite.listen();
  const sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  const { port: amiPort } = await sim.listen();
  const httpPort = await freePort();
  const config = loadConfig({
    DATABASE_URL: ':memory:',
    HTTP_PORT: String(httpPort),
    ADMIN_PASSWORD: 'admin-password',
    LOG_LEVEL: 'silent',
    AGI_PORT: '0',
    DEFAULT_REGION: 'RU',
    CORS_ORIGINS: suiteOrigin,
    CRM_WIDGET_SECRET: SECRET,
  });
  let service: Service;
  try {
    service = await startService({
      config,
      log: createLogger('silent'),
      pbx: { id: PBX_ID, host: '127.0.0.1', port: amiPort, username: 'crm', secret: 'crmsecret', authType: 'plain' },
      listen: true,
      ui: false,
    });
  } catch (err) {
    await sim.close();
    await suite.close();
    throw err;
  }
  const d = service.directory;
  const ours: Record<string, string> = {};
  for (const s of FIXTURE.summary.filter((x) => x.module === 'Users')) {
    const extensions = s.asterisk_ext_c ? [s.asterisk_ext_c] : [];
    ours[s.key] = (await d.upsertUser({ login: `crm-${s.key.toLowerCase()}`, name: s.name, source: 'suitecrm', externalId: s.id, extensions })).id;
  }
  const phones = (p: Record<string, string>) => Object.entries(p).map(([field, number]) => ({ kind: KIND[field]!, number }));
  for (const s of FIXTURE.summary) {
    const common = { source: 'suitecrm', externalId: s.id, phones: phones(s.phones) };
    const [first, ...rest] = s.name.split(' ');
    if (s.module === 'Accounts') ours[s.key] = (await d.upsertAccount({ ...common, name: s.name })).id;
    if (s.module === 'Contacts') ours[s.key] = (await d.upsertContact({ ...common, firstName: first!, lastName: rest.join(' '), accountId: null })).id;
    if (s.module === 'Leads') ours[s.key] = (await d.upsertLead({ ...common, firstName: first!, lastName: rest.join(' ') })).id;
  }
  const deadline = Date.now() + 5000;
  while (service.client.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (service.client.state !== 'ready') throw new Error('the service did not connect to the PBX simulator');
  const serviceUrl = service.url!.replace(/\/$/, '');
  suite.serviceUrl = serviceUrl;
  try {
    await checkWiring(service, serviceUrl, suiteOrigin);
  } catch (err) {
    await service.stop();
    await sim.close();
    await suite.close();
    throw err;
  }
  let stopped = false;
  return {
    sim,
    service,
    suite,
    serviceUrl,
    ours,
    stopService: async () => {
      if (stopped) return;
      stopped = true;
      await stopWithOpenStreams(service);
      await sim.close();
    },
    close: async () => {
      if (!stopped) {
        stopped = true;
        await stopWithOpenStreams(service);
        await sim.close();
      }
      await suite.close();
    },
  };
}

/**
 * Stops the service while browsers still hold its event streams open. `Service.stop()` alone
 * waits for every open request to finish, and a server-sent-events stream never does; so the
 * connections are cut until the stop completes (new ones keep coming: EventSource reconnects).
 */
async function stopWithOpenStreams(service: Service): Promise<void> {
  let done = false;
  const stopping = service.stop().finally(() => (done = true));
  while (!done) {
    service.app.server.closeAllConnections();
    await Promise.race([stopping, new Promise((r) => setTimeout(r, 50))]);
  }
  await stopping;
}

/**
 * Says in words what is missing when the service was started without the widget's wiring (its
 * routes, its secret, CORS on the event stream), instead of letting every browser test time out.
 * Signs in as Bob (U2) to look at the stream's headers as a browser on SuiteCRM's origin would.
 */
async function checkWiring(service: Service, serviceUrl: string, suiteOrigin: string): Promise<void> {
  if (!service.app.hasRoute({ method: 'POST', url: '/api/crm/sso' })) {
    throw new Error('The widget routes are not registered: src/service/service.ts must add widgetRoutes (src/web/routes/widget-routes.ts) to its routes.');
  }
  const token = signWidgetToken(SECRET, CRM['U2']!, Math.floor(Date.now() / 1000) + 60);
  const sso = await fetch(`${serviceUrl}/api/crm/sso`, { method: 'POST', headers: { origin: suiteOrigin, 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  if (sso.status !== 200) {
    throw new Error(`The service refused a good widget token (${sso.status} ${await sso.text()}): src/config.ts must read CRM_WIDGET_SECRET (crmSsoConfigSchema) and service.ts pass it to widgetRoutes.`);
  }
  const cookie = (sso.headers.get('set-cookie') ?? '').split(';')[0]!;
  const controller = new AbortController();
  const events = await fetch(`${serviceUrl}/api/events`, { headers: { origin: suiteOrigin, cookie }, signal: controller.signal });
  const allowed = events.headers.get('access-control-allow-origin');
  controller.abort();
  if (allowed !== suiteOrigin) {
    throw new Error('GET /api/events answers another origin without CORS headers: the route hijacks its reply and writes its own head, losing the headers @fastify/cors set. src/web/routes/events-route.ts must copy reply.getHeaders() onto the raw response before writeHead.');
  }
}
