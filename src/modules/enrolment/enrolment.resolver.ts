import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../app/context';
import { EnrolmentService } from './enrolment.service';
import { EnrolmentInput } from './enrolment.types';

@Resolver()
export class EnrolmentResolver {
  @Mutation(() => Int, { description: 'Sets pension statuses (HRSS); returns how many persons changed status' })
  recordEnrolment(@Arg('entries', () => [EnrolmentInput]) entries: EnrolmentInput[], @Ctx() context: RequestContext): Promise<number> {
    return new EnrolmentService(context).record(entries);
  }
}
