/**
 * The one list of GraphQL documents the adapters can send, and how a schema is judged against them. The
 * schema test (test/unit/hireflix/documents.test.ts) and `cli doctor` both use it, so a document added to an
 * adapter is checked everywhere without a second list to keep in step.
 */
import { parse, validate, type GraphQLSchema } from 'graphql';
import { HIREFLIX_DOCUMENTS } from './hireflix/adapter.js';
import type { GraphqlDocument } from './types.js';

/** Every document by upstream kind (Vervoe is REST: none). */
export const GRAPHQL_DOCUMENTS: Readonly<Record<string, readonly GraphqlDocument[]>> = {
  hireflix: HIREFLIX_DOCUMENTS,
};

/**
 * "<name>: <validation message>" for each document that does not fit `schema`. A document of a group
 * (alternative shapes of one request) counts only when no member of its group fits.
 */
export function documentMismatches(schema: GraphQLSchema, docs: readonly GraphqlDocument[]): string[] {
  return groupProblems(docs, (doc) => validate(schema, parse(doc.query)).map((e) => e.message));
}

/** Applies the group rule to per-document problems (also used with problems found by running documents). */
export function groupProblems(docs: readonly GraphqlDocument[], problemsOf: (doc: GraphqlDocument) => string[]): string[] {
  const byDoc = new Map(docs.map((doc) => [doc, problemsOf(doc)] as const));
  const fits = new Set<string>();
  for (const [doc, problems] of byDoc) if (doc.group && problems.length === 0) fits.add(doc.group);
  const out: string[] = [];
  for (const [doc, problems] of byDoc) {
    if (doc.group && fits.has(doc.group)) continue;
    for (const m of problems) out.push(`${doc.name}: ${m}`);
  }
  return out;
}
