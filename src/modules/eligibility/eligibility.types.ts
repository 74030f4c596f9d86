import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../../shared/graphql/scalars';
import { DepartmentEnum, EligibilityStatusEnum, HardshipCategoryEnum } from '../../shared/graphql/enums';
import type { Department, EligibilityStatus, HardshipCategory } from '../../shared/domain';

@ObjectType('Reason', { simpleResolvers: true, description: 'One step of an eligibility decision, citing its rule' })
export class ReasonNode {
  @Field(() => String, { description: 'Rule id: "R2", "R4", ...' })
  rule!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType('Eligibility', { simpleResolvers: true, description: 'An explained eligibility decision for one year (DESIGN.md §3, §5)' })
export class EligibilityNode {
  @Field(() => Int)
  year!: number;

  @Field(() => EligibilityStatusEnum)
  status!: EligibilityStatus;

  @Field(() => HardshipCategoryEnum, { nullable: true, description: 'After R8; null when on no roster' })
  countedCategory!: HardshipCategory | null;

  @Field(() => DepartmentEnum, { nullable: true, description: 'R9: whose budget pays the city-level funds' })
  fundingDepartment!: Department | null;

  @Field(() => DecimalScalar, { description: 'R1: the standard; "0.00" unless ELIGIBLE or TO_ENROL' })
  amount!: string;

  @Field(() => DecimalScalar, { description: 'R5: city share, rounded half-up to the cent' })
  cityShare!: string;

  @Field(() => DecimalScalar, { description: 'R5: amount minus the city share' })
  countyShare!: string;

  @Field(() => [ReasonNode])
  reasons!: ReasonNode[];
}
