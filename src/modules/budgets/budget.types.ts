import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from '../../shared/graphql/scalars';
import { DepartmentEnum } from '../../shared/graphql/enums';
import type { Department } from '../../shared/domain';

@ObjectType('BudgetLine', { description: 'R9: what one department budgets for one county (persons ELIGIBLE or TO_ENROL)' })
export class BudgetLineNode {
  @Field(() => String, { description: 'County of the counted entry (R8)' })
  county!: string;

  @Field(() => DepartmentEnum, { description: 'CIVIL_AFFAIRS for DIBAO/TEKUN, RURAL_REVITALIZATION for RETURNED_POVERTY' })
  department!: Department;

  @Field(() => Int)
  persons!: number;

  @Field(() => DecimalScalar, { description: 'R1: sum of the standards' })
  amount!: string;

  @Field(() => DecimalScalar, { description: 'R5: sum of per-person city shares, each rounded half-up' })
  cityShare!: string;

  @Field(() => DecimalScalar, { description: 'R5: sum of per-person county shares' })
  countyShare!: string;
}

@ObjectType('Budget', { description: 'The proxy-payment budget of a year' })
export class BudgetNode {
  @Field(() => Int)
  year!: number;

  @Field(() => [BudgetLineNode], { description: 'Non-empty lines the viewer may see, by county then department' })
  lines!: BudgetLineNode[];

  @Field(() => DecimalScalar, { description: 'Sum of the visible lines' })
  amount!: string;
}
