import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { EnrolmentService } from './enrolment.service';
import { EnrolmentInput } from './enrolment.types';

@Resolver()
export class EnrolmentResolver {
  @Mutation(() => Int, { description: 'Sets pension statuses (HRSS); returns how many persons changed status' })
  recordEnrolment(@Arg('entries', () => [EnrolmentInput]) entries: EnrolmentInput[], @Ctx() context: UseCaseContext): Promise<number> {
    return new EnrolmentService(context).record(entries);
  }
}
