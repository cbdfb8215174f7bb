/**
 * GET /openapi.json: a valid OpenAPI 3.1 document (checked with @seriousme/openapi-schema-validator), public,
 * exactly routed, without a secret; and the recorder that holds every component test's answers against it
 * does catch a wrong body, an undocumented status and an undocumented route.
 */
import { expect } from 'chai';
import { OPENAPI_DOCUMENT, openApiDocument } from '../../../src/http/openapi.js';
import { call, startHarness, type Harness } from '../../support/harness.js';
import { checkExchange, DOCUMENTED, OPENAPI_CHECK_AVAILABLE } from '../../support/recorder.js';

describe('OpenAPI document', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('sqlite');
  });
  after(async () => h.close());

  it('is served at /openapi.json, public, as the OpenAPI 3.1 document of this bridge', async function () {
    const res = await call(`${h.url}/openapi.json`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(res.body).to.deep.equal(JSON.parse(JSON.stringify(openApiDocument(h.config.server.publicBaseUrl))));
    expect((res.body as { servers: unknown }).servers).to.deep.equal([{ url: h.url, description: 'This bridge (public_base_url).' }]);
    // Loaded here, so a node_modules that predates this dev dependency fails only this test (skips, off CI).
    let Validator: typeof import('@seriousme/openapi-schema-validator').Validator;
    try {
      ({ Validator } = await import('@seriousme/openapi-schema-validator'));
    } catch (err) {
      if (process.env.CI) throw err;
      console.warn('  @seriousme/openapi-schema-validator is not installed (run npm install): skipped');
      this.skip();
    }
    const validator = new Validator();
    const verdict = await validator.validate(res.body as Parameters<typeof validator.validate>[0]);
    expect(verdict.errors ?? [], JSON.stringify(verdict.errors)).to.deep.equal([]);
    expect(verdict.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
  });

  it('holds no secret and nothing about the accounts', async () => {
    const { text } = await call(`${h.url}/openapi.json`);
    for (const a of [h.acme, h.globex]) {
      for (const secret of [a.token, a.workableToken, a.webhookSecret, a.sandbox.apiKey, a.sandboxUrl]) expect(text).not.to.include(secret);
      expect(text).not.to.include(`/webhooks/hireflix/${a.id}`);
    }
  });

  it('is routed exactly, like every other route: other spellings are unknown routes, other methods 405', async () => {
    for (const path of ['/openapi.json/', '/OPENAPI.json', '/openapi.JSON', '/%6Fpenapi.json', '/openapi.yaml']) {
      const res = await call(`${h.url}${path}`);
      expect(res.status, path).to.equal(404);
      expect(res.body).to.deep.equal({ status: 404, message: `Not Found: no route GET ${path}` });
    }
    const post = await call(`${h.url}/openapi.json`, { method: 'POST', body: {} });
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.equal('HEAD, GET');
    expect(post.body).to.deep.equal({ status: 405, message: 'Method Not Allowed' });
  });

  it('documents every route the bridge serves, and each error with the contract body', () => {
    expect(Object.keys(OPENAPI_DOCUMENT.paths)).to.have.members([
      '/interview-templates',
      '/interviews',
      '/interviews/{id}',
      '/interviews/{id}/shared-link',
      '/webhooks/{upstream}/{account}',
      '/reports/{file}',
      '/healthz',
      '/readyz',
      '/openapi.json',
      '/metrics',
      '/ops/poll',
      '/ops/expire',
      '/ops/reconcile',
      '/ops/deliver',
      '/ops/interviews/{id}/expire',
    ]);
    // The contract's table: 401, 400, 422 on the Workable routes that take a body.
    for (const status of ['400', '401', '422']) expect(DOCUMENTED).to.include(`POST /interviews ${status}`);
  });

  describe('the recorder behind the component tests', () => {
    before(function () {
      if (!OPENAPI_CHECK_AVAILABLE) this.skip();
    });
    const url = 'http://127.0.0.1:1/';
    const json = 'application/json; charset=utf-8';

    it('accepts a documented answer', () => {
      expect(checkExchange({ method: 'POST', url: `${url}interviews`, status: 201, contentType: json, text: '{"interview_id":"Qyi6OJQWLUy3S7yOKXqAAg"}' })).to.equal(undefined);
    });

    it('names a body that does not match, an undocumented status, route or content type', () => {
      expect(checkExchange({ method: 'POST', url: `${url}interviews`, status: 201, contentType: json, text: '{"id":"x"}' })).to.match(/does not match: .*interview_id/);
      expect(checkExchange({ method: 'GET', url: `${url}interviews/abc`, status: 401, contentType: json, text: '{"status":401}' })).to.match(/does not match: .*message/);
      expect(checkExchange({ method: 'GET', url: `${url}interviews/abc`, status: 500, contentType: json, text: '{"status":500,"message":"Internal Server Error"}' })).to.equal('status 500 is never documented');
      expect(checkExchange({ method: 'GET', url: `${url}healthz`, status: 404, contentType: json, text: '{"status":404,"message":"x"}' })).to.equal('status 404 is not documented for GET /healthz (documented: 200)');
      expect(checkExchange({ method: 'GET', url: `${url}reports/x.pdf`, status: 200, contentType: json, text: '{}' })).to.equal('content type application/json; charset=utf-8 is not documented (documented: application/pdf)');
      expect(checkExchange({ method: 'GET', url: `${url}nowhere`, status: 200, contentType: json, text: '{}' })).to.equal('no operation GET /nowhere in the document, yet it answered 200');
      expect(checkExchange({ method: 'GET', url: `${url}nowhere`, status: 404, contentType: 'text/plain', text: 'Not Found' })).to.equal('an error should be JSON, got text/plain');
    });
  });
});
