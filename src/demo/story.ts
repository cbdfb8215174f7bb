/**
 * The story the demo tells, step by step, against a running sandbox bridge: what Workable does, what the
 * candidate and the recruiter do on Hireflix, and what Workable receives. Every step checks what it printed.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BridgeProcess } from './bridgeProcess.js';
import { runCli, send } from './http.js';
import { at, pretty } from './narrate.js';
import type { Narrator } from './narrate.js';
import type { DemoReceiver, Received } from './receiver.js';

export const STORY_STEPS = 9;

export interface StoryContext {
  bridge: BridgeProcess;
  receiver: DemoReceiver;
  token: string;
  workableToken: string;
  n: Narrator;
}

const CANDIDATE = { first_name: 'Lakita', last_name: 'Marrero', phone: '(785)991-6256', email: 'lakita@example.com' };

/** Runs steps 1..STORY_STEPS; throws StepFailed (via n.check) at the first thing that did not behave. */
export async function tellStory({ bridge, receiver, token, workableToken, n }: StoryContext): Promise<void> {
  const B = bridge.url;
  const S = bridge.sandboxUrl;

  n.begin('Workable asks for the interview templates (the open Hireflix positions)');
  const t = await send('GET', `${B}/interview-templates`, { token });
  n.check(t.status === 200, 'GET /interview-templates → 200', `got ${t.status}`);
  const templates = at(t.json, 'interview_templates');
  n.check(Array.isArray(templates) && templates.length > 0, 'at least one template');
  const list = templates as Array<{ id: string; name: string }>;
  n.say(list.map((x) => `${x.id}  ${x.name}`).join('\n'));
  const template = list[0]!;

  n.begin(`A recruiter sends ${CANDIDATE.first_name} ${CANDIDATE.last_name} the "${template.name}" interview`);
  const callbackUrl = `${receiver.url}/interviews/${8_000_000 + Math.floor(Math.random() * 999_999)}`;
  const body = { interview_template_id: template.id, job_id: '6789', job_title: 'Operations Manager', callback_url: callbackUrl, candidate: CANDIDATE };
  n.say(`POST /interviews\n${pretty(body)}`);
  const created = await send('POST', `${B}/interviews`, { token, body });
  n.check(created.status === 201, 'POST /interviews → 201', `got ${created.status}: ${pretty(created.json)}`);
  n.say(pretty(created.json));
  const id = at(created.json, 'interview_id');
  n.check(typeof id === 'string' && /^[A-Za-z0-9_-]{22}$/.test(id), 'interview_id is an opaque 22-character id');
  const interviewId = id as string;

  n.begin('Workable retries the same request (say, after a timeout)');
  const again = await send('POST', `${B}/interviews`, { token, body });
  n.check(again.status === 201 && at(again.json, 'interview_id') === interviewId, `same interview_id ${interviewId}`, `got ${again.status} ${pretty(again.json)}`);
  const inv = await send('GET', `${S}/_sandbox/invitations`);
  const mine = (Array.isArray(inv.json) ? (inv.json as Array<{ email: string; count: number }>) : []).filter((i) => i.email === CANDIDATE.email);
  n.check(mine.length === 1 && mine[0]!.count === 1, 'the sandbox sent exactly one invitation', pretty(inv.json));
  const ups = await send('GET', `${S}/_sandbox/interviews?email=${encodeURIComponent(CANDIDATE.email)}`);
  const upList = Array.isArray(ups.json) ? (ups.json as Array<{ id: string; externalId: string; candidateUrl?: string }>) : [];
  n.check(upList.length === 1 && upList[0]!.externalId === interviewId, 'one Hireflix interview, carrying our id as its external id');
  const upstreamId = upList[0]!.id;
  n.say(`Hireflix interview ${upstreamId}; the candidate's link: ${upList[0]!.candidateUrl ?? '(none)'}`);

  n.begin('The candidate records the answers and finishes (in the Hireflix sandbox)');
  const answers = [
    { transcript: 'I calm the customer down first, then I find out what actually went wrong.' },
    { transcript: 'I keep a shared checklist so nothing falls between shifts.' },
  ];
  const fin = await send('POST', `${S}/_sandbox/interviews/${upstreamId}/finish`, { body: { answers, durationSeconds: 412 } });
  n.check(fin.status === 200, 'POST /_sandbox/interviews/:id/finish → 200', `got ${fin.status}`);
  n.say('Hireflix sends a signed interview.finish webhook; the bridge reconciles and PUTs to callback_url:');
  // If the PUT does not come, say what the bridge and the sandbox hold, so a failed run tells where it stopped.
  const explain = async (): Promise<string> => {
    const mine = await send('GET', `${B}/interviews/${interviewId}`, { token }).catch((e: Error) => ({ status: 0, json: e.message }));
    const theirs = await send('GET', `${S}/_sandbox/interviews/${upstreamId}`).catch((e: Error) => ({ status: 0, json: e.message }));
    const hooks = await send('GET', `${S}/_sandbox/webhooks/deliveries`).catch((e: Error) => ({ status: 0, json: e.message }));
    const shown = await runCli(['interview', 'show', '--', interviewId], bridge.cliEnv).catch((e: Error) => ({ stdout: e.message, stderr: '', code: 1 }));
    return [
      `GET /interviews/${interviewId} → ${mine.status}: ${pretty(mine.json)}`,
      `sandbox interview → ${theirs.status}: ${pretty(at(theirs.json, 'state'))}`,
      `sandbox webhook deliveries → ${hooks.status}: ${pretty(hooks.json)}`,
      `cli interview show:\n${shown.stdout}${shown.stderr}`,
    ].join('\n');
  };
  const first = await waitPut(n, receiver, 0, (r) => at(r.body, 'status') === 'completed', callbackUrl, workableToken, explain);
  n.check(typeof at(first.body, 'results_url') === 'string', 'results_url is set (a Hireflix share link)');

  n.begin('The recruiter scores it 4 of 5 stars; the score follows as an update');
  const sc = await send('POST', `${S}/_sandbox/interviews/${upstreamId}/score`, { body: { score: 4 } });
  n.check(sc.status === 200, 'POST /_sandbox/interviews/:id/score → 200', `got ${sc.status}`);
  const scored = await waitPut(n, receiver, receiver.received.indexOf(first) + 1, (r) => at(r.body, 'interview', 'score') !== undefined, callbackUrl, workableToken);
  n.check(at(scored.body, 'interview', 'score') === '80', 'score "80" (4 of 5 stars)', `got ${String(at(scored.body, 'interview', 'score'))}`);
  n.check(at(scored.body, 'interview', 'grade') === 'excelled', 'grade "excelled"');

  n.begin('The PDF report in the attachment can be downloaded');
  const pdfUrl = at(scored.body, 'attachments', 0, 'url');
  n.check(typeof pdfUrl === 'string', 'attachments[0].url is present', pretty(at(scored.body, 'attachments')));
  const pdf = await send('GET', pdfUrl as string);
  n.check(pdf.status === 200, `GET ${String(pdfUrl)} → 200`, `got ${pdf.status}`);
  n.check(pdf.bytes.subarray(0, 4).toString('latin1') === '%PDF', `it is a PDF (${pdf.bytes.length} bytes, starts with %PDF)`);

  n.begin('Workable asks for the shared link');
  const link = await send('GET', `${B}/interviews/${interviewId}/shared-link`, { token });
  n.check(link.status === 200, `GET /interviews/${interviewId}/shared-link → 200`, `got ${link.status}: ${pretty(link.json)}`);
  n.say(pretty(link.json));
  n.check(typeof at(link.json, 'url') === 'string' && at(link.json, 'ttl_units') === 'days', 'url, ttl and ttl_units "days" are present');

  n.begin('Workable reads the interview: the same result it was sent');
  const got = await send('GET', `${B}/interviews/${interviewId}`, { token });
  n.check(got.status === 200, `GET /interviews/${interviewId} → 200`, `got ${got.status}`);
  n.check(isDeepStrictEqual(got.json, scored.body), 'the body equals the last PUT the receiver got', pretty(got.json));

  n.begin('An operator checks the delivery record: cli interview show');
  n.say(`$ npm run cli -- interview show ${interviewId}`);
  const shown = await runCli(['interview', 'show', interviewId], bridge.cliEnv);
  n.say(shown.stdout.trimEnd());
  n.check(shown.code === 0, 'the CLI exits 0', `exit ${String(shown.code)}: ${shown.stderr}`);
  n.check(shown.stdout.includes('(the current payload)'), 'Workable has the current payload');
  n.check(shown.stdout.includes('In the outbox: nothing pending') && shown.stdout.includes('Dead letter: none'), 'nothing pending, no dead letter');
  n.check(shown.stdout.includes('<l***@example.com>') && !shown.stdout.includes(CANDIDATE.email), "the candidate's e-mail is masked");
}

/** Waits for a PUT matching `match` and checks the contract's parts of it: method, path, bearer token. */
async function waitPut(n: Narrator, receiver: DemoReceiver, from: number, match: (r: Received) => boolean, callbackUrl: string, token: string, explain?: () => Promise<string>): Promise<Received> {
  let r: Received;
  try {
    r = await receiver.waitFor(from, match, 15_000);
  } catch (err) {
    const why = explain ? `\n${await explain().catch((e: Error) => e.message)}` : '';
    n.check(false, 'a PUT arrived at callback_url', `${(err as Error).message}${why}`);
    throw err;
  }
  n.check(r.method === 'PUT' && r.path === new URL(callbackUrl).pathname, `PUT ${r.path} (the callback_url)`, `${r.method} ${r.path}`);
  n.check(r.headers.authorization === `Bearer ${token}`, 'Authorization: Bearer <the account\'s Workable token>');
  return r;
}
