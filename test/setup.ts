/**
 * Root hooks for every test: all network is denied except loopback, so component tests can reach the app,
 * the sandbox and Redis on 127.0.0.1 but never anything outside this machine.
 */
import nock from 'nock';

export const mochaHooks = {
  beforeAll(): void {
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
  },
  afterEach(): void {
    nock.cleanAll();
  },
  afterAll(): void {
    nock.enableNetConnect();
  },
};
