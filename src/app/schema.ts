import path from 'node:path';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { printSchema, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import '../shared/graphql/enums';
import { AuditResolver } from '../modules/audit/audit.resolver';
import { ImportJobResolver } from '../modules/jobs/import-job.resolver';
import {
  PersonConnectionResolver,
  PersonResolver,
  resolvePersonCounty,
  resolvePersonRosterEntries,
} from '../modules/people/person.resolver';
import type { PeopleContext } from '../modules/people/people.loaders';
import type { PersonRow } from '../modules/people/people.queries';
import type { PaymentsContext } from '../modules/payments/payments.loaders';
import { RosterResolver } from '../modules/rosters/roster.resolver';
import { EnrolmentResolver } from '../modules/enrolment/enrolment.resolver';
import { PaymentResolver, PersonPaymentsResolver, resolvePersonPayments } from '../modules/payments/payment.resolver';
import { FundingRuleResolver } from '../modules/budgets/funding-rule.resolver';
import type { EligibilityContext, PersonFacts } from '../modules/eligibility/eligibility.loader';
import { EligibilityResolver, resolvePersonEligibility } from '../modules/eligibility/eligibility.resolver';
import { BudgetResolver } from '../modules/budgets/budget.resolver';
import { ComparisonEntryConnectionResolver, RosterComparisonResolver } from '../modules/rosters/roster-comparison.resolver';
import { ScreeningEntryConnectionResolver, SubsidyScreeningResolver } from '../modules/reports/subsidy-screening.resolver';
import { ReportsResolver } from '../modules/reports/reports.resolver';
import { StatisticsResolver } from '../modules/statistics/statistics.resolver';
import { DateScalar } from '../shared/graphql/scalars';

export const SCHEMA_FILE = path.resolve(__dirname, '../../schema/schema.graphql');
export const VIEWS_DIRECTORY = path.resolve(__dirname, '../../schema/views');

/** schema/views/<slug>.graphql: a department's view, committed like the full schema. */
export function viewFile(slug: string): string {
  return path.join(VIEWS_DIRECTORY, `${slug}.graphql`);
}

export const RESOLVERS = [
  PersonResolver,
  PersonConnectionResolver,
  PersonPaymentsResolver,
  RosterResolver,
  EnrolmentResolver,
  PaymentResolver,
  FundingRuleResolver,
  ReportsResolver,
  EligibilityResolver,
  BudgetResolver,
  RosterComparisonResolver,
  ComparisonEntryConnectionResolver,
  SubsidyScreeningResolver,
  ScreeningEntryConnectionResolver,
  AuditResolver,
  ImportJobResolver,

  StatisticsResolver,
] as const;

// type-graphql hands a resolver's arguments through an async validation step even with `validate: false`, so a
// field resolver with arguments always answers a promise: on a page, one per person (issue 11). Without arguments
// it still builds, for every call, a resolver-data object, a copy of the parent as an instance of its class
// (@Root), and a sorted and mapped copy of the parameter list, and runs its middleware chain (there is none): on
// a page of 100 persons, hundreds of objects that outlive nothing. These fields of list items are served by the
// same functions their resolver methods call, taking parent, arguments and context straight from GraphQL; with no
// validation, no middleware and no use of the class instance, nothing is lost (the schema, descriptions and
// permissions are unchanged; the shield wraps these resolvers like any other).
const DIRECT_FIELD_RESOLVERS: Record<string, Record<string, GraphQLFieldResolver<never, never, never>>> = {
  Person: {
    eligibility: (person: PersonFacts, args: { year: number }, context: EligibilityContext) =>
      resolvePersonEligibility(person, args.year, context),
    rosterEntries: (person: PersonRow, _args: unknown, context: PeopleContext) => resolvePersonRosterEntries(person, context),
    county: (person: PersonRow, _args: unknown, context: PeopleContext) => resolvePersonCounty(person, context),
    payments: (person: PersonRow, _args: unknown, context: PaymentsContext) => resolvePersonPayments(person, context),
  },
};

function withDirectResolvers(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName, typeName) => {
      const resolve = DIRECT_FIELD_RESOLVERS[typeName]?.[fieldName];
      return resolve ? { ...fieldConfig, resolve: resolve as GraphQLFieldResolver<unknown, unknown> } : fieldConfig;
    },
  });
}

/** The whole schema, without permissions applied: used for emitting SDL and deriving views. */
export async function buildBaseSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: DateScalar }],
    orphanedTypes: [],
    validate: false,
    emitSchemaFile: false,
  });
  return withDirectResolvers(schema);
}

export function printSdl(schema: GraphQLSchema, title?: string): string {
  const heading = title ? `# ${title}\n` : '';
  return `${heading}# Generated by \`npm run schema:emit\` from the code; a test fails when it drifts.\n\n${printSchema(schema)}\n`;
}

export function viewTitle(department: string, slug: string): string {
  return `View of the ${department} portal, served at /graphql/${slug}; derived from the permission table.`;
}
