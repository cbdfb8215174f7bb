/**
 * The sandbox control API: JSON under /_sandbox, for tests and demos to act as the candidate, the
 * recruiter and the network. Full reference in docs/sandbox.md.
 *
 *   GET  /_sandbox/positions                       seeded positions (incl. archived)
 *   GET  /_sandbox/interviews?email=&externalId=   list interviews (state, score, externalId, position)
 *   GET  /_sandbox/interviews/:id                  one interview
 *   POST /_sandbox/interviews/:id/start            candidate opened it (no webhook: Hireflix sends none)
 *   POST /_sandbox/interviews/:id/finish           {score?, answers?: [{transcript?}], durationSeconds?}
 *   POST /_sandbox/interviews/:id/score            {score: 0.5..5 | null}
 *   POST /_sandbox/interviews/:id/shortlist | /discard | /delete
 *   POST /_sandbox/interviews/:id/deadline         {expiresAt: ISO | epoch ms | null} the interview's `expires`
 *   POST /_sandbox/positions/:id/deadline          {expiresAt: …} the position's `expires` (new invitations take it)
 *   GET  /_sandbox/invitations                     invitation e-mails sent per (positionId, email)
 *   POST /_sandbox/webhooks                        {url?, secret?, enabled?}; GET shows the config
 *   GET  /_sandbox/webhooks/deliveries             every webhook sent, with the receiver's status
 *   POST /_sandbox/faults                          {mode: rate_limit|error|timeout, count, retryAfterSeconds?}
 *   POST /_sandbox/quota                           {remaining: n | null} invitations left this period
 *   GET  /_sandbox/stats                           GraphQL requests received, total and per operation
 *   POST /_sandbox/reset                           back to the seed; faults, counters and deliveries cleared
 */
import Router from '@koa/router';
import { addCommonControlRoutes, bodyOf, optionalNonNegative, type SandboxErrorFactory } from '../common/controlRoutes.js';
import type { SandboxState } from './state.js';
import { SandboxError, isValidScore, type FinishInput } from './store.js';
import { controlView } from './views.js';

const fail: SandboxErrorFactory = (status, message) => new SandboxError(status, message);
const optionalNumber = (value: unknown, name: string) => optionalNonNegative(value, name, fail);

/** `{"expiresAt": ISO time | epoch ms | null}` for the deadline actions. */
function deadlineInput(body: Record<string, unknown>): number | null {
  const v = body.expiresAt;
  if (v === null) return null;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new SandboxError(400, 'body must be {"expiresAt": ISO time, epoch ms, or null}');
  return ms;
}

function finishInput(body: Record<string, unknown>): FinishInput {
  const out: FinishInput = {};
  if (body.score !== undefined) {
    if (!isValidScore(body.score)) throw new SandboxError(400, 'score must be 0.5 to 5 in half steps, or null');
    out.score = body.score;
  }
  if (body.answers !== undefined) {
    if (!Array.isArray(body.answers)) throw new SandboxError(400, 'answers must be an array');
    out.answers = body.answers.map((a: unknown) => {
      const t = typeof a === 'object' && a !== null ? (a as { transcript?: unknown }).transcript : undefined;
      return typeof t === 'string' ? { transcript: t } : {};
    });
  }
  const durationSeconds = optionalNumber(body.durationSeconds, 'durationSeconds');
  if (durationSeconds !== undefined) out.durationSeconds = durationSeconds;
  return out;
}

/** Builds the /_sandbox router over the sandbox state. */
export function controlRouter(s: SandboxState): Router {
  const r = new Router({ prefix: '/_sandbox' });
  const view = (id: string) => {
    const iv = s.store.mustGet(id);
    return controlView(iv, s.store.position(iv.positionId), s.baseUrl());
  };

  r.get('/positions', (ctx) => {
    ctx.body = s.store.positions().map(({ id, name, archived, expires }) => ({ id, name, archived, expiresAt: expires ? new Date(expires).toISOString() : null }));
  });
  r.post('/positions/:id/deadline', (ctx) => {
    const p = s.store.setPositionExpires(ctx.params.id ?? '', deadlineInput(bodyOf(ctx)));
    ctx.body = { id: p.id, name: p.name, archived: p.archived, expiresAt: p.expires ? new Date(p.expires).toISOString() : null };
  });
  r.get('/interviews', (ctx) => {
    const email = typeof ctx.query.email === 'string' ? ctx.query.email.toLowerCase() : undefined;
    const externalId = typeof ctx.query.externalId === 'string' ? ctx.query.externalId : undefined;
    ctx.body = s.store
      .all()
      .filter((iv) => email === undefined || iv.candidate.email.toLowerCase() === email)
      .filter((iv) => externalId === undefined || iv.externalId === externalId)
      .map((iv) => controlView(iv, s.store.position(iv.positionId), s.baseUrl()));
  });
  r.get('/interviews/:id', (ctx) => {
    ctx.body = view(ctx.params.id ?? '');
  });
  r.post('/interviews/:id/:action', (ctx) => {
    const id = ctx.params.id ?? '';
    const body = bodyOf(ctx);
    switch (ctx.params.action) {
      case 'start': s.store.start(id); break;
      case 'finish': s.store.finish(id, finishInput(body)); break;
      case 'score':
        if (!('score' in body)) throw new SandboxError(400, 'body must be {"score": 0.5..5 or null}');
        s.store.setScore(id, body.score);
        break;
      case 'shortlist': s.store.setStatus(id, 'shortlisted'); break;
      case 'discard': s.store.setStatus(id, 'discarded'); break;
      case 'deadline': s.store.setExpires(id, deadlineInput(body)); break;
      case 'delete': {
        const gone = view(id);
        s.store.remove(id);
        ctx.body = { ...gone, deleted: true };
        return;
      }
      default: throw new SandboxError(404, `unknown action ${ctx.params.action ?? ''}`);
    }
    ctx.body = view(id);
  });
  addCommonControlRoutes(r, s, fail);
  r.post('/quota', (ctx) => {
    const remaining = bodyOf(ctx).remaining;
    if (remaining !== null) optionalNumber(remaining, 'remaining');
    s.store.setQuota(typeof remaining === 'number' ? Math.floor(remaining) : null);
    ctx.body = { remaining: remaining ?? null };
  });
  r.get('/stats', (ctx) => {
    ctx.body = { graphqlRequests: s.stats.requests, byOperation: s.stats.byOperation };
  });
  r.post('/reset', (ctx) => {
    s.reset();
    ctx.body = { reset: true };
  });
  return r;
}
