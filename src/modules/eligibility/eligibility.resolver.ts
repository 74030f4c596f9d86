import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { EligibilityContext } from './eligibility.loader';
import { NotFoundError } from '../../shared/errors';
import { PersonNode } from '../people/person.types';
import { EligibilityService } from './eligibility.service';
import { EligibilityNode } from './eligibility.types';

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
  async personEligibility(
    @Root() person: PersonNode,
    @Arg('year', () => Int) year: number,
    @Ctx() context: EligibilityContext,
  ): Promise<EligibilityNode> {
    const decision = await new EligibilityService(context).forPerson(person.id, year);
    if (decision === null) throw new NotFoundError('The person no longer exists');
    return decision;
  }
}
