import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger, scrubber, scrubPhones } from '../../src/logger.js';

const R = '[redacted]';

describe('log scrubber: phone numbers', () => {
  // [text as it may appear in a log line, what the scrubber leaves of it]
  const scrubbed: Array<[string, string]> = [
    ['(785)991-6256', R],
    ['(785) 991-6256', R],
    ['(785) 991 6256', R],
    ['+17859916256', R],
    ['+1 785 991 6256', R],
    ['+1 (785) 991-6256', R],
    ['+1-785-991-6256', R],
    ['+44 20 7946 0958', R],
    ['+442079460958', R],
    ['+32 491 50 50 50', R],
    ['+33 1 23 45 67 89', R],
    ['(020) 7946 0958', R],
    ['020 7946 0958', R],
    ['0044 20 7946 0958', R],
    ['785-991-6256', R],
    ['785 991 6256', R],
    ['785.991.6256', R],
    ['991-6256', R],
    ['call 785-991-6256 after 5', `call ${R} after 5`],
    ['{"msg":"HTTP 422: phone (785)991-6256 is invalid"}', `{"msg":"HTTP 422: phone ${R} is invalid"}`],
    ['{"error":"candidate +17859916256 already invited"}', `{"error":"candidate ${R} already invited"}`],
  ];
  const kept: string[] = [
    '{"level":30,"time":"2026-12-02T00:19:33.123Z","pid":12345,"hostname":"bridge-7d9f8c6b5-x2x9q"}',
    '{"time":1764634773123,"ms":12.3,"durationMs":10023,"status":503}',
    '{"deadAt":"2026-12-02","at":"2026-12-02 00:19:33"}',
    '{"interviewId":"Qyi6OJQWLUy3S7yOKXqAAg","upstreamId":"8823119","jobId":6789}',
    '{"reqId":"12345678-1234-1234-1234-123456789012"}',
    '{"reqId":"1b4e28ba-2fa1-11d2-883f-0016d3cca427"}',
    '{"upstream":"http://127.0.0.1:4010/me","peer":"192.168.100.200:3000","ip":"::ffff:10.0.0.8"}',
    '{"version":"1.13.16","node":"v20.19.0"}',
    'gave up after 12 attempts over 3 days',
    'timeout after 10000 ms',
    'HTTP 503: retry in 30 s',
    '{"counts":[1,2,3],"range":"10-20","window":"10-200-30"}',
    '{"watermark":"2026-12-01T23:59:00.000Z","offset":"+01:00","big":1e+21}',
    '{"callbackUrl":"https://groove-tech.workable.com/interviews/8823119"}',
    'sizes 10 20 30 40',
  ];
  for (const [input, expected] of scrubbed) {
    it(`scrubs ${input}`, () => expect(scrubPhones(input)).to.equal(expected));
  }
  for (const input of kept) {
    it(`keeps ${input}`, () => expect(scrubPhones(input)).to.equal(input));
  }
  it('the line scrubber applies it, with e-mails and secrets', () => {
    const line = '{"msg":"Maria (785)991-6256 maria@example.org tok-abcdefgh","ms":4.2}';
    expect(scrubber(['tok-abcdefgh'])(line)).to.equal(`{"msg":"Maria ${R} ${R} ${R}","ms":4.2}`);
  });

  it('the process logger writes no phone number given inside free text, and keeps the numbers around it', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, cb) => { lines.push(chunk.toString('utf8')); cb(); } });
    const log = createLogger({ level: 'info', pretty: false, destination });
    log.warn({ status: 422, durationMs: 1234, error: 'HTTP 422: Lakita Marrero (785)991-6256 / +44 20 7946 0958' }, 'delivery failed');
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).to.include({ status: 422, durationMs: 1234, error: `HTTP 422: Lakita Marrero ${R} / ${R}` });
    expect(String(line.time)).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('log scrubber: report capabilities', () => {
  it('replaces a report path wherever it appears in a line, and keeps the route pattern', () => {
    const cap = 'WiUw5v1j2JudTePNjiYJ9ig_htCmovOR';
    const line = `{"msg":"x","url":"https://bridge.example.com/reports/${cap}.pdf","text":"see /reports/${cap}","route":"/reports/:file"}`;
    expect(scrubber([])(line)).to.equal(`{"msg":"x","url":"https://bridge.example.com/reports/${R}","text":"see /reports/${R}","route":"/reports/:file"}`);
  });
});
