/**
 * The Vervoe side of the sandbox, under /api as on https://api.vervoe.com/api, following the API
 * description (v1.8): token by Basic auth, assessments, invite, one report, the report list with its
 * filters, and reject. Hire/unhire are not served: their paths in the description are malformed.
 */
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { VervoeSandboxState } from './state.js';
import { VervoeSandboxError } from './store.js';
import { candidateUrl, cardUrl, reportView } from './views.js';

const TOKEN_LIFE_MS = 10 * 60_000;
const STATUS_FILTERS = ['complete', 'expired', 'in_progress', 'hired', 'rejected'];

function bodyOf(ctx: Context): Record<string, unknown> {
  const body: unknown = ctx.request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** "2020-01-16 22:31:10.0 UTC" (the documented format; fraction optional) as epoch ms. */
function parseFilterTime(value: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? UTC$/.exec(value);
  const ms = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ?? ''}Z`) : Number.NaN;
  if (!Number.isFinite(ms)) throw new VervoeSandboxError(400, `Invalid datetime ${value}`);
  return ms;
}

function positivePage(raw: unknown, required: boolean): number {
  if (raw === undefined && !required) return 1;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : 0;
  if (n < 1) throw new VervoeSandboxError(400, 'page must be greater than 0');
  return n;
}

function pageOf<T>(all: T[], page: number, size: number) {
  const items = all.slice((page - 1) * size, page * size);
  return { currentPage: page, total: all.length, count: items.length, hasMorePages: page * size < all.length, items };
}

/** Builds the /api router over the sandbox state. */
export function apiRouter(s: VervoeSandboxState): Router {
  const r = new Router({ prefix: '/api' });
  const tokens = new Map<string, number>();
  s.onReset(() => tokens.clear());
  s.onRevoke(() => tokens.clear());

  const count = (name: string) => async (ctx: Context, next: Next) => {
    s.stats.requests++;
    s.stats.byOperation[name] = (s.stats.byOperation[name] ?? 0) + 1;
    const fault = s.faults.take();
    if (fault?.mode === 'rate_limit') {
      ctx.status = 429;
      ctx.set('Retry-After', String(fault.retryAfterSeconds ?? 1));
      ctx.body = { success: false, errors: 'Too Many Requests' };
      return;
    }
    if (fault?.mode === 'error') {
      ctx.status = 500;
      ctx.type = 'text/html';
      ctx.body = '<html><body>Server Error</body></html>';
      return;
    }
    if (fault?.mode === 'timeout') {
      await s.faults.hold();
      ctx.status = 503;
      return;
    }
    await next();
  };
  const bearer = async (ctx: Context, next: Next) => {
    const m = /^Bearer (\S+)$/.exec(ctx.get('authorization'));
    const until = m ? tokens.get(m[1] ?? '') : undefined;
    if (until === undefined || until <= s.now()) {
      ctx.status = 401;
      ctx.body = { success: false, msg: 'Invalid credentials.' };
      return;
    }
    await next();
  };

  r.get('/public/ats-api/token', count('token'), (ctx) => {
    const m = /^Basic (\S+)$/.exec(ctx.get('authorization'));
    if (!m) {
      ctx.status = 400;
      ctx.body = { success: false, errors: 'Provide apiKey/secret please.', msg: 'Provide apiKey/secret please.' };
      return;
    }
    if (Buffer.from(m[1] ?? '', 'base64').toString('utf8') !== `${s.apiKey}:${s.secretKey}`) {
      ctx.status = 401;
      ctx.body = { type: 'https://tools.ietf.org/html/rfc2616#section-10', title: 'An error occurred', status: 401, detail: 'Unauthorized' };
      return;
    }
    const token = randomBytes(48).toString('base64url');
    tokens.set(token, s.now() + TOKEN_LIFE_MS);
    ctx.body = { success: true, data: { token } };
  });

  r.get('/integration/assessments', count('assessments'), bearer, (ctx) => {
    const page = positivePage(ctx.query.page, false);
    const all = s.store.assessments().map((a) => ({ ...a, auditionFolder: null }));
    // As the description shows it: no {success, data} envelope on this one.
    ctx.body = pageOf(all, page, s.pageSize);
  });

  r.post('/integration/assessments/:slug/invite', count('invite'), bearer, (ctx) => {
    const b = bodyOf(ctx);
    const str = (k: string) => (typeof b[k] === 'string' && b[k] !== '' ? b[k] : undefined);
    const email = str('candidateEmail');
    const firstName = str('candidateFirstName');
    if (!email || !firstName) throw new VervoeSandboxError(400, 'candidateEmail and candidateFirstName are required', {});
    if (b.sendInvitationSms === true && !str('candidatePhone')) throw new VervoeSandboxError(400, 'candidatePhone is required to send an SMS', {});
    const lastName = str('candidateLastName');
    const phone = str('candidatePhone');
    const existingUuid = str('candidateAssessmentUuid');
    const { ca, outcome } = s.store.invite(ctx.params.slug ?? '', {
      email, firstName, sendEmail: b.sendInvitationEmail !== false,
      ...(lastName ? { lastName } : {}), ...(phone ? { phone } : {}), ...(existingUuid ? { existingUuid } : {}),
    });
    const data = { candidateAssessmentUuid: ca.uuid, candidateUrl: candidateUrl(ca, s.baseUrl()) };
    if (outcome === 'already_invited') throw new VervoeSandboxError(400, 'The invitation has been already sent.', data);
    ctx.body = { success: true, data };
  });

  r.get('/integration/user-assessments/:uuid', count('report'), bearer, (ctx) => {
    const ca = s.store.mustGet(ctx.params.uuid ?? '');
    ctx.body = { success: true, data: reportView(ca, cardUrl(ca, s.baseUrl()), 'single') };
  });

  r.get('/integration/user-assessments', count('list'), bearer, (ctx) => {
    const q = ctx.query;
    const page = positivePage(q.page, true);
    const one = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
    const sort = one('sort') ?? 'updated';
    const order = one('order') ?? 'asc';
    const status = one('status');
    if (!['completed', 'created', 'updated'].includes(sort) || !['asc', 'desc'].includes(order)) throw new VervoeSandboxError(400, 'Invalid sort or order', {});
    if (status !== undefined && !STATUS_FILTERS.includes(status)) throw new VervoeSandboxError(400, `Invalid status ${status}`, {});
    const gt = one('completed-gt');
    const lt = one('completed-lt');
    if ((gt || lt || sort === 'completed') && status !== 'complete') throw new VervoeSandboxError(400, 'completed filters need status=complete', {});
    const gtMs = gt ? parseFilterTime(gt) : undefined;
    const ltMs = lt ? parseFilterTime(lt) : undefined;
    if (gtMs !== undefined && ltMs !== undefined && gtMs > ltMs) throw new VervoeSandboxError(400, 'completed-gt is after completed-lt', {});
    const key = { completed: 'completedAt', created: 'createdAt', updated: 'updatedAt' } as const;
    const list = s.store
      .all()
      .filter((ca) => status === undefined || ca.status === status)
      .filter((ca) => gtMs === undefined || (ca.completedAt !== null && ca.completedAt > gtMs))
      .filter((ca) => ltMs === undefined || (ca.completedAt !== null && ca.completedAt < ltMs))
      .sort((a, b) => ((a[key[sort as keyof typeof key]] ?? 0) - (b[key[sort as keyof typeof key]] ?? 0)) * (order === 'desc' ? -1 : 1))
      .map((ca) => reportView(ca, cardUrl(ca, s.baseUrl()), 'list'));
    ctx.body = { success: true, data: pageOf(list, page, s.pageSize) };
  });

  r.post('/integration/user-assessments/:uuid/reject', count('reject'), bearer, (ctx) => {
    const uuid = ctx.params.uuid ?? '';
    const event = s.store.reject(uuid);
    const ca = s.store.mustGet(uuid);
    s.webhooks.send(event, uuid, reportView(ca, cardUrl(ca, s.baseUrl()), 'single'));
    ctx.body = { success: true, data: reportView(ca, cardUrl(ca, s.baseUrl()), 'reject') };
  });
  return r;
}
