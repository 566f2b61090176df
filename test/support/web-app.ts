/** A service app over an in-memory store with two agents and an admin, for route tests with inject(). */
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from '../../src/store/store.ts';
import { Directory } from '../../src/directory/directory.ts';
import { Access } from '../../src/web/auth/access.ts';
import { buildWebServer, type WebServerOptions } from '../../src/web/server.ts';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  directory: Directory;
  access: Access;
  close(): Promise<void>;
}

export interface TestDeps {
  store: Store;
  directory: Directory;
  access: Access;
}

export async function buildTestApp(extra: Partial<WebServerOptions> = {}, routesFor?: (deps: TestDeps) => NonNullable<WebServerOptions['routes']>): Promise<TestApp> {
  const store = await openStore({ url: ':memory:' });
  const directory = new Directory(store, { defaultRegion: 'US' });
  await directory.upsertUser({ login: 'alice', name: 'Alice Agent', password: 'alice-pw', extensions: ['101'] });
  await directory.upsertUser({ login: 'bob', name: 'Bob Agent', password: 'bob-pw', extensions: ['102'] });
  await directory.upsertUser({ login: 'root', name: 'Admin', role: 'admin', password: 'root-pw', extensions: [] });
  const access = new Access(store, directory);
  const app = await buildWebServer({
    access,
    secureCookies: false,
    health: { pbxs: () => [{ id: 'default', state: 'ready', protocolVersion: '9.0.0', lastEventAt: null, reconnects: 0, problem: null, retryingAt: null }], database: async () => true },
    ...extra,
    ...(routesFor ? { routes: [...(extra.routes ?? []), ...routesFor({ store, directory, access })] } : {}),
  });
  return {
    app,
    store,
    directory,
    access,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** Signs in through the API; returns the cookie header and CSRF token to send next. */
export async function signIn(app: FastifyInstance, login: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { login, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const set = res.cookies.find((c) => c.name === 'crmt_session');
  return { cookie: `crmt_session=${set!.value}`, csrf: (res.json() as { csrfToken: string }).csrfToken };
}
