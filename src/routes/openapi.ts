import type Router from '@koa/router';
import type { Container } from '../container.js';
import { openApiDocument } from '../http/openapi.js';
import { exactRouter } from '../http/routing.js';

/** GET /openapi.json: the published contract (src/http/openapi.ts), public; it holds no secret and no account. */
export function openApiRoutes(c: Container, router: Router = exactRouter()): Router {
  const body = JSON.stringify(openApiDocument(c.config.server.publicBaseUrl));
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
