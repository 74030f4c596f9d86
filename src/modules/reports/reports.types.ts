import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '../../shared/graphql/scalars';
import type { CategoryTallyData, DispatchReportData, DispatchRowData } from './dispatch-report.service';

@ObjectType('CategoryTally', { description: 'R11/R12 figures of one category (or all) in one county' })
export class CategoryTallyNode implements CategoryTallyData {
  @Field(() => Int, { description: 'Persons counted once under this category (R8)' })
  persons!: number;

  @Field(() => Int, { description: 'Status ELIGIBLE or TO_ENROL' })
  eligible!: number;

  @Field(() => Int, { description: 'Status ELIGIBLE (contributing or suspended)' })
  enrolled!: number;

  @Field(() => Int, { description: 'Eligible with a payment for the year booked on or before the report date' })
  proxyPaid!: number;

  @Field(() => DecimalScalar, { description: 'Sum of those payments' })
  proxyPaidAmount!: string;

  @Field(() => Float, { nullable: true, description: 'R12: proxyPaid / eligible; null when eligible = 0' })
  completionRate!: number | null;
}

@ObjectType('DispatchRow', { description: 'One county of the dispatch report (or the total row, county "530100" 合计)' })
export class DispatchRowNode implements DispatchRowData {
  @Field(() => String)
  county!: string;

  @Field(() => String)
  countyName!: string;

  @Field(() => CategoryTallyNode)
  dibao!: CategoryTallyNode;

  @Field(() => CategoryTallyNode)
  tekun!: CategoryTallyNode;

  @Field(() => CategoryTallyNode, { description: 'R11: a person also DIBAO/TEKUN is counted here' })
  returnedPoverty!: CategoryTallyNode;

  @Field(() => CategoryTallyNode)
  all!: CategoryTallyNode;

  @Field(() => Int, { description: 'Counted persons with disability level 3 or 4' })
  disabledLevel34!: number;
}

@ObjectType('DispatchReport', { description: 'R11 monthly dispatch report (调度表)' })
export class DispatchReportNode implements DispatchReportData {
  @Field(() => String)
  month!: string;

  @Field(() => DateScalar, { description: 'The 15th of the month' })
  reportDate!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => [DispatchRowNode], { description: 'Every county in the viewer scope, in code order, zeros included' })
  rows!: DispatchRowNode[];

  @Field(() => DispatchRowNode, { description: 'Sum of the rows; county "530100", countyName "合计"' })
  total!: DispatchRowNode;
}
