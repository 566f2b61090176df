/**
 * What the console reads besides calls: records search, the admin pages (users, extensions, each
 * PBX's health, the PBXs saved on the PBX page), the demo's "simulate a call" control, and the console's own files (last: its
 * catch-all serves the page for every path the API does not own).
 */
import type { Directory } from '../../directory/directory.ts';
import type { FastifyInstance } from 'fastify';
import { adminRoutes } from '../../web/routes/admin-routes.ts';
import { pbxConnectionsRoutes, type PbxConnectionsRoutesOptions } from '../../web/routes/pbx-connections-routes.ts';
import { demoRoutes, type DemoRoutesOptions } from '../../web/routes/demo-routes.ts';
import type { PbxHealth } from '../../web/routes/health-routes.ts';
import { recordsRoutes } from '../../web/routes/records-routes.ts';
import { DEFAULT_UI_ROOT, uiRoutes } from '../../web/routes/ui-routes.ts';
import type { Capability } from '../capability.ts';

export function createDirectoryPages(deps: { directory: Directory; pbxs: () => PbxHealth[]; connections?: PbxConnectionsRoutesOptions }): Capability {
  const connections = deps.connections;
  return {
    name: 'directory',
    routes: [
      (app) => recordsRoutes(app, { directory: deps.directory }),
      (app) => adminRoutes(app, { directory: deps.directory, pbxs: deps.pbxs }),
      ...(connections ? [(app: FastifyInstance) => pbxConnectionsRoutes(app, connections)] : []),
    ],
  };
}

export function createDemoControls(options: DemoRoutesOptions): Capability {
  return { name: 'demo', routes: [(app) => demoRoutes(app, options)] };
}

/** `ui: false`: API only (tests). */
export function createConsole(ui: { root: string } | false | undefined): Capability {
  return { name: 'console', routes: ui === false ? [] : [(app) => uiRoutes(app, { root: ui?.root ?? DEFAULT_UI_ROOT })] };
}
