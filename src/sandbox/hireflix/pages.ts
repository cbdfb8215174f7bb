/**
 * The sandbox's public pages standing in for Hireflix's: the candidate's interview link, the answer video
 * files and the shared playback page. Content is placeholder; what matters is that the links resolve.
 */
import Router from '@koa/router';
import type { SandboxState } from './state.js';
import { controlView } from './views.js';

/** Smallest useful MP4 stand-in: an `ftyp` box, enough for a browser to say "video/mp4". */
const PLACEHOLDER_MP4 = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Builds the router for /_sandbox/take, /_sandbox/c, /_sandbox/media and /_sandbox/shared. */
export function pagesRouter(s: SandboxState): Router {
  const r = new Router({ prefix: '/_sandbox' });

  const take = (hash: string) => s.store.all().find((iv) => iv.hash === hash);
  r.get('/take/:hash', (ctx) => {
    const iv = take(ctx.params.hash ?? '');
    ctx.status = iv ? 200 : 404;
    ctx.type = 'text/html';
    ctx.body = iv
      ? `<h1>${escapeHtml(s.store.position(iv.positionId)?.name ?? 'Interview')}</h1><p>Hello ${escapeHtml(iv.candidate.firstName)}, this is the sandbox interview ${iv.id}.</p>`
      : '<h1>Interview not found</h1>';
  });
  r.get('/c/:hash', (ctx) => {
    ctx.redirect(`/_sandbox/take/${encodeURIComponent(ctx.params.hash ?? '')}`);
  });
  r.get('/media/:id/:file', (ctx) => {
    const iv = s.store.get(ctx.params.id ?? '');
    const n = /^(\d+)\.mp4$/.exec(ctx.params.file ?? '')?.[1];
    if (!iv || n === undefined || Number(n) < 1 || Number(n) > iv.answers.length) {
      ctx.status = 404;
      ctx.body = { error: 'no such answer video' };
      return;
    }
    ctx.type = 'video/mp4';
    ctx.body = PLACEHOLDER_MP4;
  });
  r.get('/shared/:uuid', (ctx) => {
    const link = s.shares.get(ctx.params.uuid ?? '');
    const iv = link ? s.store.get(link.interviewId) : undefined;
    if (!link || !iv) {
      ctx.status = 404;
      ctx.body = { error: 'shared link not found' };
      return;
    }
    if (link.expiresAt < s.now()) {
      ctx.status = 410;
      ctx.body = { error: 'shared link expired' };
      return;
    }
    ctx.body = { ...controlView(iv, s.store.position(iv.positionId), s.baseUrl()), expiresAt: new Date(link.expiresAt).toISOString() };
  });
  return r;
}
