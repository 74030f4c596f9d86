import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { EligibilityContext } from './eligibility.loader';
import { NotFoundError } from '../../shared/errors';
import { PersonNode } from '../people/person.types';
import { EligibilityService } from './eligibility.service';
import { EligibilityNode } from './eligibility.types';

// A person gone between the page and its decision; as a promise of the error, as when the decision was awaited.
function presentDecision(decision: EligibilityNode | null): EligibilityNode | Promise<EligibilityNode> {
  return decision === null ? Promise.reject(new NotFoundError('The person no longer exists')) : decision;
}

/** Person.eligibility(year); also served directly, without type-graphql's argument handling (app/schema.ts). */
export function resolvePersonEligibility(
  person: Pick<PersonNode, 'id'>,
  year: number,
  context: EligibilityContext,
): EligibilityNode | Promise<EligibilityNode> {
  const decision = new EligibilityService(context).forPerson(person.id, year);
  return decision instanceof Promise ? decision.then(presentDecision) : presentDecision(decision);
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
