import { Field, InputType } from 'type-graphql';
import { PensionStatusEnum } from '../../shared/graphql/enums';
import { DateScalar } from '../../shared/graphql/scalars';
import type { PensionStatus } from '../../shared/domain';

@InputType('EnrolmentInput', { description: "A person's resident pension status as the pension agency records it" })
export class EnrolmentInput {
  @Field(() => String)
  idNumber!: string;

  @Field(() => PensionStatusEnum)
  status!: PensionStatus;

  @Field(() => DateScalar, {
    nullable: true,
    description:
      'The day the status takes effect (reports dated on or after it see it); today in China when omitted. Not after today, not before 2000-01-01, not before the latest recorded change',
  })
  effectiveOn?: string | null;
}
