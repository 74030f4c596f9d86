import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { RosterService } from './roster.service';
import { SubmitRosterInput, SubmitRosterResult } from './roster.types';

@Resolver()
export class RosterResolver {
  @Mutation(() => SubmitRosterResult, {
    description: 'The whole list of one category and county as of asOf: adds, exits (exitedOn = asOf), leaves the rest',
  })
  submitRoster(
    @Arg('input', () => SubmitRosterInput) input: SubmitRosterInput,
    @Ctx() context: UseCaseContext,
  ): Promise<SubmitRosterResult> {
    return new RosterService(context).submit(input);
  }
}
