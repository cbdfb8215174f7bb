/**
 * Every GraphQL document an adapter can send, validated (parse + validate) against the sandbox schema and
 * against every introspection snapshot under test/fixtures/ (any *.json whose data has `__schema`, e.g. a
 * real dump saved as test/fixtures/hireflix-schema/<date>.json is checked without editing this file).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildClientSchema, introspectionFromSchema, parse, validate, type IntrospectionQuery } from 'graphql';
import { buildHireflixSchema } from '../../../src/sandbox/hireflix/schema.js';
import { GRAPHQL_DOCUMENTS, documentMismatches } from '../../../src/upstreams/graphqlDocuments.js';
import { INTERVIEW_LIST_SHAPES } from '../../../src/upstreams/hireflix/queries.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

/** Introspection snapshots: `{data: {__schema}}` or `{__schema}`. */
function snapshots(): Array<{ path: string; introspection: IntrospectionQuery }> {
  return jsonFiles(FIXTURES).flatMap((path) => {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const root = parsed && typeof parsed === 'object' && 'data' in parsed ? (parsed).data : parsed;
    return root && typeof root === 'object' && '__schema' in root ? [{ path, introspection: root as IntrospectionQuery }] : [];
  });
}

const hireflix = GRAPHQL_DOCUMENTS.hireflix!;

describe('Adapter GraphQL documents against the schemas', () => {
  it('the list holds every document, both interviewList shapes included', () => {
    const texts = new Set(hireflix.map((d) => d.query));
    for (const shape of Object.values(INTERVIEW_LIST_SHAPES)) for (const query of Object.values(shape)) expect(texts.has(query)).to.equal(true);
    expect(hireflix.filter((d) => d.group).length).to.equal(6);
    expect(new Set(hireflix.map((d) => d.name)).size).to.equal(hireflix.length);
    for (const name of ['ListPositions', 'InviteCandidate', 'GetInterview', 'ShareInterview', 'ArchiveInterview', 'ListWebhooks', 'CreateWebhook', 'UpdateWebhook', 'WebhookSecretKey']) {
      expect(hireflix.map((d) => d.name)).to.include(name);
    }
  });

  const primary = buildHireflixSchema('input');
  const variant = buildHireflixSchema('arguments');
  for (const doc of hireflix) {
    const schema = doc.group && INTERVIEW_LIST_SHAPES.arguments[doc.group.split('.')[1] as keyof typeof INTERVIEW_LIST_SHAPES.arguments] === doc.query ? variant : primary;
    it(`${doc.name} parses and validates against the sandbox schema${schema === variant ? ' ("arguments" variant)' : ''}`, () => {
      expect(validate(schema, parse(doc.query)).map((e) => e.message)).to.deep.equal([]);
    });
  }

  it('each shape of interviewList is rejected by the other sandbox variant (so the fallback is exercised)', () => {
    for (const doc of Object.values(INTERVIEW_LIST_SHAPES.input)) expect(validate(variant, parse(doc))).to.not.have.length(0);
    for (const doc of Object.values(INTERVIEW_LIST_SHAPES.arguments)) expect(validate(primary, parse(doc))).to.not.have.length(0);
  });

  it('the whole list fits both sandbox variants by the group rule, and not a schema missing a field', () => {
    expect(documentMismatches(primary, hireflix)).to.deep.equal([]);
    expect(documentMismatches(variant, hireflix)).to.deep.equal([]);
    const broken = buildClientSchema(JSON.parse(JSON.stringify(introspectionFromSchema(primary)).replace('"name":"discardedAt"', '"name":"discardedOn"')) as IntrospectionQuery);
    expect(documentMismatches(broken, hireflix).join('\n')).to.match(/GetInterview: Cannot query field "discardedAt"/);
  });

  const found = snapshots();
  it(`introspection snapshots under test/fixtures/ (${found.length} found) are read`, () => {
    expect(found.every((s) => s.introspection.__schema !== undefined)).to.equal(true);
  });
  for (const { path, introspection } of found) {
    it(`every document fits the snapshot ${path.slice(FIXTURES.length + 1)}`, () => {
      expect(documentMismatches(buildClientSchema(introspection), hireflix)).to.deep.equal([]);
    });
  }
});
