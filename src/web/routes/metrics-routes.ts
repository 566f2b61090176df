/**
 * `GET /metrics`: the service's metrics in the Prometheus text format (metrics/service-metrics.ts),
 * for a metrics token (`crm-telephony tokens create --kind metrics`), which Prometheus sends as a
 * bearer token (the scrape job's `authorization: { credentials: <token> }`). Call volumes and PBX
 * names are nobody else's business, so nothing else reads them: no session, no API token.
 */
import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from '../../metrics/service-metrics.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';

export function metricsRoutes(metrics: ServiceMetrics): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.get('/metrics', async (request, reply) => {
      if (request.principal?.tokenKind !== 'metrics') {
        return sendError(reply, 'AUTH_REQUIRED', t(request).t('server.metrics.tokenNeeded'));
      }
      const text = await metrics.text();
      return reply.header('cache-control', 'no-store').type(metrics.contentType).send(text);
    });
  };
}
