/**
 * The Vervoe sandbox's control API (JSON under /_sandbox): act as the candidate, the recruiter, Vervoe's
 * scorer and the network. Reference in docs/vervoe.md.
 *
 *   GET  /_sandbox/assessments
 *   GET  /_sandbox/candidates?email=&slug=          candidate assessments (control view)
 *   GET  /_sandbox/candidates/:uuid
 *   POST /_sandbox/candidates/:uuid/start          CANDIDATE_START_INTERVIEW
 *   POST /_sandbox/candidates/:uuid/complete       {score?: 0..100, type?: TYPE_AI|TYPE_MANUAL, groups?: [{groupName, scorePercentage}]}
 *   POST /_sandbox/candidates/:uuid/score          {score: 0..100, type?}: AI_SCORE / MANUAL_SCORE (/_CHANGED)
 *   POST /_sandbox/candidates/:uuid/expire | /reject | /hire | /delete
 *   GET  /_sandbox/invitations                     invitation e-mails per (slug, email)
 *   GET|POST /_sandbox/webhooks                    {url?, secret?, enabled?}
 *   GET  /_sandbox/webhooks/deliveries             every attempt, with the receiver's status
 *   GET|POST /_sandbox/faults                      {mode: rate_limit|error|timeout, count, retryAfterSeconds?}
 *   POST /_sandbox/tokens/revoke                   issued API tokens stop working
 *   GET  /_sandbox/stats                           API requests, total and per operation
 *   POST /_sandbox/reset
 *   GET  /_sandbox/cards/:uuid?token=  and  /_sandbox/take/:uuid?token=   the candidate card and candidate page
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { addCommonControlRoutes, bodyOf } from '../common/controlRoutes.js';
import type { VervoeScoreGroup, VervoeScoreType, VervoeEvent } from './model.js';
import type { VervoeSandboxState } from './state.js';
import { VervoeSandboxError } from './store.js';
import { cardUrl, controlView, reportView } from './views.js';

function percent(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) throw new VervoeSandboxError(400, `${name} must be a number from 0 to 100`);
  return value;
}

function scoreType(value: unknown): VervoeScoreType {
  if (value === undefined) return 'TYPE_AI';
  if (value !== 'TYPE_AI' && value !== 'TYPE_MANUAL') throw new VervoeSandboxError(400, 'type must be TYPE_AI or TYPE_MANUAL');
  return value;
}

function groups(value: unknown): VervoeScoreGroup[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new VervoeSandboxError(400, 'groups must be an array');
  return value.map((g: unknown, i) => {
    const o = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>;
    return { groupName: typeof o.groupName === 'string' ? o.groupName : `Group ${i + 1}`, scorePercentage: percent(o.scorePercentage, 'groups[].scorePercentage') };
  });
}

/** Builds the /_sandbox router over the sandbox state. */
export function controlRouter(s: VervoeSandboxState): Router {
  const r = new Router({ prefix: '/_sandbox' });
  const view = (uuid: string) => controlView(s.store.mustGet(uuid), s.baseUrl());
  const notify = (event: VervoeEvent | null, uuid: string) => {
    const ca = s.store.mustGet(uuid);
    if (event) s.webhooks.send(event, uuid, reportView(ca, cardUrl(ca, s.baseUrl()), 'single'));
  };

  r.get('/assessments', (ctx) => {
    ctx.body = s.store.assessments();
  });
  r.get('/candidates', (ctx) => {
    const email = typeof ctx.query.email === 'string' ? ctx.query.email.toLowerCase() : undefined;
    const slug = typeof ctx.query.slug === 'string' ? ctx.query.slug : undefined;
    ctx.body = s.store
      .all()
      .filter((ca) => email === undefined || ca.candidate.email.toLowerCase() === email)
      .filter((ca) => slug === undefined || ca.slug === slug)
      .map((ca) => controlView(ca, s.baseUrl()));
  });
  r.get('/candidates/:uuid', (ctx) => {
    ctx.body = view(ctx.params.uuid ?? '');
  });
  r.post('/candidates/:uuid/:action', (ctx) => {
    const uuid = ctx.params.uuid ?? '';
    const b = bodyOf(ctx);
    switch (ctx.params.action) {
      case 'start': notify(s.store.start(uuid), uuid); break;
      case 'complete': {
        const g = groups(b.groups);
        const score = b.score === undefined ? undefined : { type: scoreType(b.type), score: percent(b.score, 'score'), ...(g ? { groups: g } : {}) };
        notify(s.store.complete(uuid, score), uuid);
        break;
      }
      case 'score': notify(s.store.setScore(uuid, percent(b.score, 'score'), scoreType(b.type)), uuid); break;
      case 'expire': notify(s.store.expire(uuid), uuid); break;
      case 'reject': notify(s.store.reject(uuid), uuid); break;
      case 'hire': notify(s.store.hire(uuid), uuid); break;
      case 'delete': {
        const gone = view(uuid);
        s.store.remove(uuid);
        ctx.body = { ...gone, deleted: true };
        return;
      }
      default: throw new VervoeSandboxError(404, `unknown action ${ctx.params.action ?? ''}`);
    }
    ctx.body = view(uuid);
  });
  addCommonControlRoutes(r, s, (status, message) => new VervoeSandboxError(status, message));
  r.post('/tokens/revoke', (ctx) => {
    s.revokeTokens();
    ctx.body = { revoked: true };
  });
  r.get('/stats', (ctx) => {
    ctx.body = { requests: s.stats.requests, byOperation: s.stats.byOperation };
  });
  r.post('/reset', (ctx) => {
    s.reset();
    ctx.body = { reset: true };
  });
  const page = (what: string) => (ctx: Context) => {
    const ca = s.store.mustGet((ctx.params as Partial<Record<string, string>>).uuid ?? '');
    if (ctx.query.token !== ca.token) throw new VervoeSandboxError(403, 'bad token');
    ctx.type = 'text/html';
    ctx.body = `<!doctype html><title>Vervoe sandbox ${what}</title><h1>${what}</h1><p>${ca.uuid}: ${ca.status}, score ${ca.score?.score ?? 'none'}</p>`;
  };
  r.get('/cards/:uuid', page('Candidate card'));
  r.get('/take/:uuid', page('Assessment'));
  return r;
}
