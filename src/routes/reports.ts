import type Router from '@koa/router';
import { exactRouter } from '../http/routing.js';
import type { Container } from '../container.js';
import { keys } from '../domain/keys.js';
import type { StoredReport } from '../domain/reconcile.js';
import { notFound } from '../http/errors.js';
import { renderReportPdf } from '../reports/pdf.js';

const REPORT_ID = /^[A-Za-z0-9_-]{32}$/;

/** PDF reports at unguessable URLs (the id is the capability), public so Workable can fetch them. */
export function reportRoutes(c: Container, router: Router = exactRouter()): Router {
  router.get('/reports/:file', async (ctx) => {
    const file = String(ctx.params.file);
    const id = file.endsWith('.pdf') ? file.slice(0, -4) : '';
    if (!REPORT_ID.test(id)) throw notFound('Report not found');
    const report = await c.store.get<StoredReport>(keys.report(id));
    if (!report) throw notFound('Report not found');
    ctx.type = 'application/pdf';
    ctx.set('Content-Disposition', `inline; filename="interview-report-${report.interviewId}.pdf"`);
    ctx.set('Cache-Control', 'private, max-age=300');
    ctx.set('X-Robots-Tag', 'noindex');
    ctx.body = await renderReportPdf({ ...report.input, generatedAt: new Date(report.input.generatedAt) });
  });
  return router;
}
