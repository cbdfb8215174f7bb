import type Router from '@koa/router';
import { exactRouter } from '../http/routing.js';
import type { Context } from 'koa';
import type { AccountConfig } from '../config/types.js';
import type { Container } from '../container.js';
import { createInterview } from '../domain/createInterview.js';
import { keys } from '../domain/keys.js';
import type { InterviewRecord } from '../domain/types.js';
import { workableAuth } from '../http/auth.js';
import { notFound } from '../http/errors.js';
import { jsonBody } from '../http/jsonBody.js';
import { validateCreateBody } from '../http/validateCreate.js';
import { sharedLink } from '../domain/sharedLink.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Loads the interview for the authenticated account; another account's interview is as unknown as a missing one. */
async function loadInterview(c: Container, ctx: Context): Promise<InterviewRecord> {
  const id = String((ctx.params as Partial<Record<string, string>>).id ?? '');
  const account = ctx.state.account as AccountConfig;
  if (!ID_PATTERN.test(id)) throw notFound('Interview not found');
  const record = await c.store.get<InterviewRecord>(keys.interview(id));
  if (!record || record.accountId !== account.id || record.phase !== 'invited') throw notFound('Interview not found');
  return record;
}

/** The endpoints Workable calls, all behind the account's Bearer token. */
export function workableRoutes(c: Container, onMarked: () => void = () => undefined, router: Router = exactRouter()): Router {
  router.use(['/interview-templates', '/interviews'], workableAuth(() => c.accounts()));

  router.get('/interview-templates', async (ctx) => {
    const account = ctx.state.account as AccountConfig;
    const templates = await c.templates.list(account, c.upstreams.forAccount(account));
    ctx.body = { interview_templates: templates.map((t) => ({ id: String(t.id), name: t.name })) };
  });

  router.post('/interviews', jsonBody(c.config.server.bodyLimitBytes), async (ctx) => {
    const account = ctx.state.account as AccountConfig;
    const body = validateCreateBody(ctx.request.body);
    const { id } = await createInterview({ ...c.createDeps, onMarked }, account, c.upstreams.forAccount(account), body);
    ctx.status = 201;
    ctx.body = { interview_id: id };
  });

  router.get('/interviews/:id', async (ctx) => {
    const record = await loadInterview(c, ctx);
    ctx.body = record.current;
  });

  router.get('/interviews/:id/shared-link', async (ctx) => {
    const record = await loadInterview(c, ctx);
    const account = ctx.state.account as AccountConfig;
    ctx.body = await sharedLink(c, account, record);
  });

  return router;
}

