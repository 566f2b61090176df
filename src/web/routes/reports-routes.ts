/**
 * Reports (issue 17, part 3). Every route needs a signed-in person: admins get every call, anyone
 * else their own calls (those their extensions rang, answered or placed), decided here from the
 * session, never from the query. Answers and CSV headers are in the person's language.
 *
 *   GET /api/reports?from=YYYY-MM-DD&to=YYYY-MM-DD&group=day|week|month   -> Report (reports/report-model.ts)
 *   GET /api/reports/<table>.csv?from=&to=&group=                         -> text/csv, an attachment
 *
 * `<table>`: periods, lines, agents, queues, missed-open. Dates are the company's local dates
 * (`Report.timeZone`), both included; without `to`, today; without `from`, the week up to `to`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireUser } from '../auth/auth-plugin.ts';
import { sendError } from '../errors.ts';
import { t } from '../request-locale.ts';
import { readReportQuery } from '../../reports/report-query.ts';
import { REPORT_TABLES, type Report, type ReportTable } from '../../reports/report-model.ts';
import { csvFileName, tableRows, toCsv } from '../../reports/report-csv.ts';
import type { ReportRequest } from '../../reports/reports.ts';

export interface ReportsRoutesOptions {
  reports: {
    report(request: ReportRequest): Promise<Report>;
    /** Today's date in the company's zone. */
    today(): string;
  };
}

export async function reportsRoutes(app: FastifyInstance, options: ReportsRoutesOptions): Promise<void> {
  const { reports } = options;

  /** The report the request asks for, or null once the reply says what is wrong. */
  const build = async (request: FastifyRequest, reply: FastifyReply): Promise<Report | null> => {
    const read = readReportQuery(request.query, reports.today());
    if (!read.ok) {
      sendError(reply, 'BAD_REQUEST', t(request).t(read.problem.key, read.problem.values));
      return null;
    }
    const user = request.principal!.user!;
    return reports.report({ ...read.query, viewer: { id: user.id, role: user.role, extensions: user.extensions } });
  };

  app.get('/api/reports', { preHandler: requireUser }, async (request, reply) => {
    const report = await build(request, reply);
    if (report === null) return reply;
    // Reports are about people's calls: never kept by a shared cache.
    reply.header('cache-control', 'private, no-store');
    return report;
  });

  app.get<{ Params: { file: string } }>('/api/reports/:file', { preHandler: requireUser }, async (request, reply) => {
    const name = request.params.file.replace(/\.csv$/, '');
    const table = REPORT_TABLES.find((tbl) => tbl === name && request.params.file.endsWith('.csv'));
    if (table === undefined) {
      const got = request.params.file.length > 40 ? `${request.params.file.slice(0, 39)}…` : request.params.file;
      return sendError(reply, 'NOT_FOUND', t(request).t('server.reports.noTable', { got, tables: REPORT_TABLES.join(', ') }));
    }
    const report = await build(request, reply);
    if (report === null) return reply;
    const tr = t(request);
    const csv = toCsv(tableRows(report, table as ReportTable, (key) => tr.t(key)));
    return reply
      .header('cache-control', 'private, no-store')
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFileName(report, table)}"`)
      .send(csv);
  });
}
