import { Field, InputType } from 'type-graphql';
import { PensionStatusEnum } from '../../app/graphql-enums';
import type { PensionStatus } from '../../shared/domain';

@InputType('EnrolmentInput', { description: "A person's resident pension status as the pension agency records it" })
export class EnrolmentInput {
  @Field(() => String)
  idNumber!: string;

  @Field(() => PensionStatusEnum)
  status!: PensionStatus;
}
