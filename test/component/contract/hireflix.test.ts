/** The shared upstream contract, run for Hireflix and its sandbox. */
import axios from 'axios';
import { createHireflixSandbox, type HireflixSandbox } from '../../../src/sandbox/hireflix/index.js';
import { createHireflixUpstream } from '../../../src/upstreams/hireflix/index.js';
import { upstreamContract } from '../../support/contract.js';

const API_KEY = 'contract-hireflix-key';
const post = async (url: string, body: unknown = {}) => {
  const res = await axios.post(url, body, { validateStatus: () => true });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(res.data)}`);
};

upstreamContract<HireflixSandbox>({
  name: 'hireflix',
  profile: 'hireflix',
  async createSandbox(webhookSecret) {
    const sandbox = createHireflixSandbox({ apiKey: API_KEY, webhookSecret });
    await sandbox.listen(0, '127.0.0.1');
    return sandbox;
  },
  closeSandbox: (s) => s.close(),
  // Hireflix signatures carry no timestamp, so `now` has nothing to act on.
  createUpstream: (s, { webhookSecret }) => createHireflixUpstream({ endpoint: s.endpoint(), apiKey: API_KEY, webhookSecret, timeoutMs: 3000 }),
  routeWebhooks: (s, url) => post(`${s.state.baseUrl()}/_sandbox/webhooks`, { url, enabled: true }),
  async invitations(s, templateId, email) {
    const list = (await axios.get<Array<{ positionId: string; email: string; count: number }>>(`${s.state.baseUrl()}/_sandbox/invitations`)).data;
    return list.filter((i) => i.positionId === templateId && i.email.toLowerCase() === email.toLowerCase()).reduce((n, i) => n + i.count, 0);
  },
  drive: (s, id, action, body) => post(`${s.state.baseUrl()}/_sandbox/interviews/${id}/${action}`, body ?? {}),
  webhookAction: ['finish', {}],
  changeAction: ['finish', { score: 3 }],
  timestamped: false,
  resultsUrlPrefix: (s) => `${s.state.baseUrl()}/_sandbox/shared/`,
  lives: [
    { name: 'invited, nothing more', steps: [], expected: { status: 'pending' } },
    { name: 'finished, 4 stars', steps: [['finish', { score: 4 }]], expected: { status: 'completed', score: '80', grade: 'excelled' } },
    { name: 'finished, not scored', steps: [['finish', {}]], expected: { status: 'completed' } },
    { name: 'finished, then discarded', steps: [['finish', { score: 2 }], ['discard']], expected: { status: 'completed', score: '40', grade: 'failed' } },
    { name: 'finished, then shortlisted', steps: [['finish', { score: 3 }], ['shortlist']], expected: { status: 'completed', score: '60', grade: 'passed' } },
    { name: 'deleted', steps: [['delete']], expected: { status: 'declined' } },
  ],
});
