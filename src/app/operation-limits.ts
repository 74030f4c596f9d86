import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  Lexer,
  parse,
  Source,
  TokenKind,
  validate,
  isListType,
  getNullableType,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_REPORT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_UNPAGED_LIST } from '../shared/paging';
import { MAX_TREND_MONTHS, parseMonth } from '../modules/reports/report-arguments';
import { ProblemList } from '../shared/errors';
import type { OperationLimits } from '../config/protection-settings';

export type { OperationLimits };

// Limits on an operation's shape and cost, checked before it runs (issue 9 point 1). The shape limits
// (tokens, depth, aliases, root fields, directives) are checked on the parsed text before Apollo's own
// validation; the cost needs a valid document and the variables, so it is checked in Apollo's
// didResolveOperation, before execution. Every refusal is QUERY_TOO_COMPLEX with the limit named.

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxBodyBytes: 1024 * 1024,
  maxVariablesBytes: 512 * 1024,
  maxTokens: 2000,
  maxDepth: 10,
  maxAliases: 15,
  maxRootFields: 10,
  maxDirectives: 20,
  maxCost: 50_000,
};

export type LimitName = keyof OperationLimits;

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** A refusal that names the limit, its value and, when known, what the operation asked for. */
export function limitRefusal(limit: LimitName, value: number, found: number | null, what: string): GraphQLError {
  const foundText = found === null ? '' : ` (found ${found})`;
  return new GraphQLError(`The operation exceeds ${limit} = ${value}: ${what}${foundText}`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit: { name: limit, value, ...(found === null ? {} : { found }) }, http: { status: 400 } },
  });
}

/** Computed fields: their own cost besides their children (a field not listed costs 1). */
export const FIELD_COSTS: Readonly<Record<string, number>> = {
  'Person.eligibility': 10,
  'Query.eligibility': 10,
  'Query.person': 2,
  'Query.persons': 5,
  'Query.auditEvents': 5,
  'Query.budget': 500,
  'Query.dispatchReport': 1000,
  // One statement for all its months (at most twice one month's report, measured), plus its months' rows below.
  'Query.dispatchTrend': 2000,
  'Query.rosterComparison': 1000,
  'Query.subsidyScreening': 1000,
  // One statement over the population plus the protection's search; as heavy as a report.
  'Query.statistics': 1000,
  'Query.subsidyScreeningPage': 1000,
  'RosterComparison.entries': 5,
};

/** Assumed length of lists without a `first` argument; their children are counted that many times. */
export const LIST_SIZES: Readonly<Record<string, number>> = {
  // A connection's edges are its page: counted once, by `first`, at the connection field.
  'PersonConnection.edges': 1,
  'AuditEventConnection.edges': 1,
  'ScreeningEntryConnection.edges': 1,
  'ComparisonEntryConnection.edges': 1,
  'Person.rosterEntries': 3,
  'Person.payments': 5,
  'Eligibility.reasons': 5,
  'Budget.lines': 28,
  'DispatchReport.rows': 15,
  // Lists without paging arguments: counted at the most they may return (longer ones are LIST_TOO_LARGE),
  // so that selecting many fields on them costs what it would cost at that size.
  'RosterComparison.added': MAX_UNPAGED_LIST,
  'RosterComparison.removed': MAX_UNPAGED_LIST,
  'RosterComparison.changed': MAX_UNPAGED_LIST,
  'Query.subsidyScreening': MAX_UNPAGED_LIST,
  'Statistics.cells': 100,
  'Statistics.margins': 50,
};

/** Connections: the page size is `first` (its schema default when absent), capped as the server caps it. */
const PAGED_FIELDS: ReadonlyMap<string, number> = new Map([
  ['Query.persons', 50],
  ['Query.auditEvents', 50],
  ['Query.subsidyScreeningPage', DEFAULT_REPORT_PAGE_SIZE],
  ['RosterComparison.entries', DEFAULT_REPORT_PAGE_SIZE],
]);

/** Lists whose length is the number of months between the `from` and `to` arguments ("YYYY-MM"). */
const MONTH_RANGE_FIELDS = new Set(['Query.dispatchTrend']);

/** Months from `from` to `to` inclusive, read as the service reads them; MAX_TREND_MONTHS when they cannot be read (the service refuses them anyway). */
export function monthsAsked(args: Record<string, unknown>): number {
  const scratch = new ProblemList();
  const first = typeof args.from === 'string' ? parseMonth(args.from, scratch, 'from') : null;
  const last = typeof args.to === 'string' ? parseMonth(args.to, scratch, 'to') : null;
  if (first === null || last === null) return MAX_TREND_MONTHS;
  const months = last.year * 12 + last.month - (first.year * 12 + first.month) + 1;
  return Math.max(1, Math.min(MAX_TREND_MONTHS, months));
}

const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const key = `${type.name}.${field.name}`;
  const own = FIELD_COSTS[key] ?? 1;
  if (MONTH_RANGE_FIELDS.has(key)) return own + monthsAsked(args) * childComplexity;
  const defaultPage = PAGED_FIELDS.get(key);
  if (defaultPage !== undefined) {
    const first = typeof args.first === 'number' ? args.first : defaultPage;
    return own + Math.max(0, Math.min(first, MAX_PAGE_SIZE)) * childComplexity;
  }
  const listed = LIST_SIZES[key];
  if (listed !== undefined) return own + listed * childComplexity;
  if (isListType(getNullableType(field.type))) return own + 10 * childComplexity;
  return own + childComplexity;
};

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number {
  return getComplexity({
    schema,
    query: document,
    variables,
    operationName,
    estimators: [costEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
}

/** Counts tokens with graphql-js's own lexer, stopping at the first one over the limit. */
export function exceedsTokenLimit(source: string, maxTokens: number): boolean {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > maxTokens) return true;
    }
  } catch {
    // A lexical error: not a token-limit matter; the parser reports it.
  }
  return false;
}

/**
 * Parses with the token limit inside the parser (graphql-js `maxTokens`), so a huge document is
 * abandoned at token maxTokens + 1 instead of being turned into a tree first. A syntax error that is
 * not the limit is returned as such, for Apollo to report as GRAPHQL_PARSE_FAILED.
 */
export function parseWithinLimits(source: string, limits: OperationLimits): { document: DocumentNode } | { error: GraphQLError } {
  try {
    return { document: parse(source, { maxTokens: limits.maxTokens }) };
  } catch (error) {
    if (exceedsTokenLimit(source, limits.maxTokens)) {
      return { error: limitRefusal('maxTokens', limits.maxTokens, null, 'the document has too many tokens') };
    }
    return { error: error instanceof GraphQLError ? error : new GraphQLError(String(error)) };
  }
}

function countRootFields(selectionSet: SelectionSetNode, context: ValidationContext, visited: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += countRootFields(selection.selectionSet, context, visited);
    else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += countRootFields(fragment.selectionSet, context, visited);
    }
  }
  return count;
}

function maxRootFieldsRule(limit: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const found = countRootFields(operation.selectionSet, context, new Set());
      if (found > limit) context.reportError(limitRefusal('maxRootFields', limit, found, 'too many root fields'));
    },
  });
}

/** graphql-armor's depth, alias and directive rules, reporting our coded errors instead of its own. */
function armorRules(limits: OperationLimits): ValidationRule[] {
  const report =
    (limit: LimitName, what: string) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      const found = /found (\d+)/.exec(error.message);
      context?.reportError(limitRefusal(limit, limits[limit], found ? Number(found[1]) : null, what));
    };
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return new ApolloArmor({
    maxDepth: { ...common, n: limits.maxDepth, onReject: [report('maxDepth', 'the selection is nested too deep')] },
    // By default armor does not count `__typename` aliases: exactly the 150,000-alias request of issue 9.
    maxAliases: { ...common, n: limits.maxAliases, allowList: [], onReject: [report('maxAliases', 'too many aliases')] },
    maxDirectives: { ...common, n: limits.maxDirectives, onReject: [report('maxDirectives', 'too many directives')] },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
}

// The rules depend on the limits alone: built once per limits object, not once per request.
const shapeRules = new WeakMap<OperationLimits, ValidationRule[]>();

function shapeRulesOf(limits: OperationLimits): ValidationRule[] {
  let rules = shapeRules.get(limits);
  if (!rules) {
    rules = [...armorRules(limits), maxRootFieldsRule(limits.maxRootFields)];
    shapeRules.set(limits, rules);
  }
  return rules;
}

/** The shape limits on a parsed document; the first refusal, or null. */
export function checkOperationShape(schema: GraphQLSchema, document: DocumentNode, limits: OperationLimits): GraphQLError | null {
  const errors = validate(schema, document, shapeRulesOf(limits), { maxErrors: 1 });
  const refusal = errors.find((error) => error.extensions.code === QUERY_TOO_COMPLEX);
  return refusal ?? errors[0] ?? null;
}

// Apollo hands every request of the same text the same parsed document. An operation without variable
// definitions costs the same every time: its cost is computed once per document and operation name.
const constantCosts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();

function usesVariables(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION && (definition.variableDefinitions?.length ?? 0) > 0,
  );
}

/** The operation's cost; from the cache when the document defines no variables. */
export function cachedOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number {
  if (usesVariables(document)) return operationCost(schema, document, variables, operationName);
  let bySchema = constantCosts.get(schema);
  if (!bySchema) constantCosts.set(schema, (bySchema = new WeakMap()));
  let byName = bySchema.get(document);
  if (!byName) bySchema.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let cost = byName.get(key);
  if (cost === undefined) {
    cost = operationCost(schema, document, variables, operationName);
    byName.set(key, cost);
  }
  return cost;
}

/** Apollo plugin: the cost limit, on the validated document with the request's variables. */
export function costLimitPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          let cost: number;
          try {
            cost = cachedOperationCost(schema, document, request.variables ?? undefined, request.operationName ?? undefined);
          } catch {
            // Variables that do not coerce (a bad Date, Decimal …): execution refuses them as BAD_USER_INPUT
            // before any resolver runs, so there is nothing to cost; thrown from here they would be a 500.
            return;
          }
          if (cost > limits.maxCost) throw limitRefusal('maxCost', limits.maxCost, cost, 'the operation would cost too much');
        },
      };
    },
  };
}
