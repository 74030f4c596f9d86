import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '../../shared/graphql/scalars';
import { EligibilityStatusEnum, HardshipCategoryEnum, PensionStatusEnum } from '../../shared/graphql/enums';
import type { HardshipCategory } from '../../shared/domain';
import { AGE_BANDS, STATISTICS_DIMENSIONS, type AgeBand, type StatisticsDimension } from './domain/dimensions';
import type { StatisticsCellData, StatisticsData, StatisticsFilterInput } from './statistics.service';

const enumObject = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };

export const StatisticsDimensionEnum = enumObject(STATISTICS_DIMENSIONS);
export const AgeBandEnum = enumObject(AGE_BANDS);

registerEnumType(StatisticsDimensionEnum, { name: 'StatisticsDimension', description: 'What a statistics table can be grouped by' });
registerEnumType(AgeBandEnum, {
  name: 'AgeBand',
  description: 'Age in the year asked about (year − birth year), split at the contributing ages 16–59 (R4)',
});

@InputType('StatisticsFilter', { description: 'Only persons with one of these values in each dimension given (all when left out)' })
export class StatisticsFilterNode implements StatisticsFilterInput {
  @Field(() => [String], { nullable: true, description: 'County codes (of the counted entry, R8)' })
  counties?: string[] | null;

  @Field(() => [HardshipCategoryEnum], { nullable: true, description: 'Counted categories (after R8)' })
  categories?: HardshipCategory[] | null;

  @Field(() => [EligibilityStatusEnum], { nullable: true })
  statuses?: string[] | null;

  @Field(() => [String], { nullable: true, description: '"M" or "F" (from the ID number)' })
  genders?: string[] | null;

  @Field(() => [AgeBandEnum], { nullable: true })
  ageBands?: AgeBand[] | null;

  @Field(() => [Int], { nullable: true, description: '0 (none recorded) to 4' })
  disabilityLevels?: number[] | null;

  @Field(() => [PensionStatusEnum], { nullable: true })
  pensionStatuses?: string[] | null;
}

@ObjectType('StatisticsCell', {
  description:
    'One cell or margin: the values of the dimensions it is grouped by (null = summed over); count and amount are null when withheld',
})
export class StatisticsCellNode implements StatisticsCellData {
  @Field(() => String, { nullable: true })
  county!: string | null;

  @Field(() => HardshipCategoryEnum, { nullable: true })
  countedCategory!: string | null;

  @Field(() => EligibilityStatusEnum, { nullable: true })
  status!: string | null;

  @Field(() => String, { nullable: true })
  gender!: string | null;

  @Field(() => AgeBandEnum, { nullable: true })
  ageBand!: string | null;

  @Field(() => Int, { nullable: true, description: '0 = no disability level recorded' })
  disabilityLevel!: number | null;

  @Field(() => PensionStatusEnum, { nullable: true })
  pensionStatus!: string | null;

  @Field(() => Int, { nullable: true, description: 'Persons, each counted once (R8); null when withheld' })
  count!: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Sum of the R1 amounts (ELIGIBLE and TO_ENROL persons); null when withheld' })
  amount!: string | null;

  @Field(() => Boolean, { description: 'Withheld: a small cell, or a cell withheld so that no small one can be worked out' })
  suppressed!: boolean;
}

@ObjectType('Statistics', { description: 'Counts and amounts for analysts, with small-cell protection' })
export class StatisticsNode implements StatisticsData {
  @Field(() => Int)
  year!: number;

  @Field(() => DateScalar, { nullable: true, description: 'The date asked about; null for a year (population of its cut-off, R2)' })
  date!: string | null;

  @Field(() => [StatisticsDimensionEnum])
  groupBy!: StatisticsDimension[];

  @Field(() => Int, { description: 'Figures counting 1 to minimumCount − 1 persons are withheld' })
  minimumCount!: number;

  @Field(() => [StatisticsCellNode], { description: 'Every combination of the grouped values in the viewer scope, zeros included' })
  cells!: StatisticsCellNode[];

  @Field(() => [StatisticsCellNode], { description: 'Sums over every proper, non-empty subset of the dimensions (rows, columns, …)' })
  margins!: StatisticsCellNode[];

  @Field(() => StatisticsCellNode, { description: 'The grand total' })
  total!: StatisticsCellNode;

  @Field(() => Int, { description: 'How many cells, margins and the total are withheld' })
  suppressedCount!: number;
}
