import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { EntryRow } from './people.queries';
import type { PeopleContext } from './people.loaders';
import { personCounty } from '../eligibility/domain/precedence';
import { PersonService } from './person.service';
import { PersonConnection, PersonFilterInput, PersonNode, RosterEntryNode } from './person.types';

/** Person.county; also served directly, without type-graphql's handler (app/schema.ts). */
export function resolvePersonCounty(person: Pick<PersonNode, 'id'>, context: PeopleContext): string | Promise<string> {
  const countyOf = (entries: EntryRow[]) => personCounty(entries, context.today, context.settings.precedence) ?? '';
  const entries = context.loaders.allEntries.load(person.id);
  return entries instanceof Promise ? entries.then(countyOf) : countyOf(entries);
}

/** Person.rosterEntries; also served directly, without type-graphql's handler (app/schema.ts). */
export function resolvePersonRosterEntries(
  person: Pick<PersonNode, 'id'>,
  context: PeopleContext,
): RosterEntryNode[] | Promise<RosterEntryNode[]> {
  if (context.loaders.visibleEntries === null) return [];
  return context.loaders.visibleEntries.load(person.id);
}

@Resolver(() => PersonNode)
export class PersonResolver {
  @Query(() => PersonNode, { nullable: true, description: 'A person the viewer may see, or null (existence does not leak)' })
  person(@Arg('idNumber', () => String) idNumber: string, @Ctx() context: PeopleContext): Promise<PersonNode | null> {
    return new PersonService(context).findByIdNumber(idNumber);
  }

  @Query(() => PersonConnection, { description: 'The persons the viewer may see, in pages' })
  async persons(
    @Arg('filter', () => PersonFilterInput, { nullable: true }) filter: PersonFilterInput | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() context: PeopleContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PersonConnection> {
    const connection = await new PersonService(context).page(filter, first ?? 50, after);
    await context.loaders.primePage?.(
      connection.edges.map((edge) => edge.node),
      info,
    );
    return connection;
  }

  @FieldResolver(() => String, { description: "County of the entry that decides today's counted category, else of the latest entry" })
  county(@Root() person: PersonNode, @Ctx() context: PeopleContext): string | Promise<string> {
    return resolvePersonCounty(person, context);
  }

  @FieldResolver(() => [RosterEntryNode], { description: "Roster entries of the viewer's categories (and county)" })
  rosterEntries(@Root() person: PersonNode, @Ctx() context: PeopleContext): RosterEntryNode[] | Promise<RosterEntryNode[]> {
    return resolvePersonRosterEntries(person, context);
  }
}

@Resolver(() => PersonConnection)
export class PersonConnectionResolver {
  @FieldResolver(() => Int, { description: 'Visible persons matching the filter' })
  totalCount(@Root() connection: PersonConnection): Promise<number> {
    return connection.countTotal();
  }
}
