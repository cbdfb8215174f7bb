/** The shared upstream contract, run for Vervoe and its sandbox. */
import axios from 'axios';
import { createVervoeSandbox, type VervoeSandbox } from '../../../src/sandbox/vervoe/index.js';
import { createVervoeUpstream } from '../../../src/upstreams/vervoe/index.js';
import { upstreamContract } from '../../support/contract.js';

const API_KEY = 'contract-vervoe-key';
const SECRET_KEY = 'contract-vervoe-secret';
const post = async (url: string, body: unknown = {}) => {
  const res = await axios.post(url, body, { validateStatus: () => true });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(res.data)}`);
};

upstreamContract<VervoeSandbox>({
  name: 'vervoe',
  profile: 'vervoe',
  async createSandbox(webhookSecret) {
    const sandbox = createVervoeSandbox({ apiKey: API_KEY, secretKey: SECRET_KEY, webhookSecret });
    await sandbox.listen(0, '127.0.0.1');
    return sandbox;
  },
  closeSandbox: (s) => s.close(),
  createUpstream: (s, { webhookSecret, now }) =>
    createVervoeUpstream({ baseUrl: s.apiBase(), apiKey: API_KEY, secretKey: SECRET_KEY, webhookSecret, timeoutMs: 3000, ...(now ? { now } : {}) }),
  routeWebhooks: (s, url) => post(`${s.state.baseUrl()}/_sandbox/webhooks`, { url, enabled: true }),
  async invitations(s, templateId, email) {
    const list = (await axios.get<Array<{ slug: string; email: string; count: number }>>(`${s.state.baseUrl()}/_sandbox/invitations`)).data;
    return list.filter((i) => i.slug === templateId && i.email.toLowerCase() === email.toLowerCase()).reduce((n, i) => n + i.count, 0);
  },
  drive: (s, id, action, body) => post(`${s.state.baseUrl()}/_sandbox/candidates/${id}/${action}`, body ?? {}),
  webhookAction: ['start', {}],
  changeAction: ['complete', { score: 50 }],
  timestamped: true,
  resultsUrlPrefix: (s) => `${s.state.baseUrl()}/_sandbox/cards/`,
  lives: [
    { name: 'invited, nothing more', steps: [], expected: { status: 'pending' } },
    { name: 'started, not submitted', steps: [['start']], expected: { status: 'pending' } },
    { name: 'completed, AI score 72', steps: [['start'], ['complete', { score: 72 }]], expected: { status: 'completed', score: '72', grade: 'passed' } },
    { name: 'completed, scored later by a reviewer', steps: [['complete'], ['score', { score: 91, type: 'TYPE_MANUAL' }]], expected: { status: 'completed', score: '91', grade: 'excelled' } },
    { name: 'completed, then rejected by the recruiter', steps: [['complete', { score: 30 }], ['reject']], expected: { status: 'completed', score: '30', grade: 'failed' } },
    { name: 'completed, then hired', steps: [['complete', { score: 88 }], ['hire']], expected: { status: 'completed', score: '88', grade: 'excelled' } },
    { name: 'expired by Vervoe', steps: [['expire']], expected: { status: 'expired' } },
    { name: 'gone from Vervoe (404)', steps: [['delete']], expected: { status: 'expired' } },
  ],
});
