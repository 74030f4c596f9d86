import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { EligibilityContext, PersonFacts } from './eligibility.loader';
import { PersonNode } from '../people/person.types';
import { EligibilityService } from './eligibility.service';
import { EligibilityNode } from './eligibility.types';

/** Person.eligibility(year); also served directly, without type-graphql's argument handling (app/schema.ts). */
export function resolvePersonEligibility(
  person: PersonFacts,
  year: number,
  context: EligibilityContext,
): EligibilityNode | Promise<EligibilityNode> {
  return new EligibilityService(context).forPerson(person, year);
}

@Resolver(() => PersonNode)
export class EligibilityResolver {
  @Query(() => EligibilityNode, { nullable: true, description: 'The explained decision for a person the viewer may see, or null' })
  eligibility(
    @Arg('idNumber', () => String) idNumber: string,
    @Arg('year', () => Int) year: number,
    @Ctx() context: EligibilityContext,
  ): Promise<EligibilityNode | null> {
    return new EligibilityService(context).forIdNumber(idNumber, year);
  }

  @FieldResolver(() => EligibilityNode, {
    name: 'eligibility',
    description: 'Eligibility for a year: status, counted category, amount, shares and reasons',
  })
  personEligibility(
    @Root() person: PersonNode,
    @Arg('year', () => Int) year: number,
    @Ctx() context: EligibilityContext,
  ): EligibilityNode | Promise<EligibilityNode> {
    return resolvePersonEligibility(person, year, context);
  }
}
