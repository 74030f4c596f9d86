import { Field, Int, ObjectType } from 'type-graphql';
import { DepartmentEnum } from '../../shared/graphql/enums';
import type { Department } from '../../shared/domain';
import { PageInfo } from '../people/person.types';

@ObjectType('AuditEvent', { description: 'Who read or changed what; READ events list the persons a request returned' })
export class AuditEventNode {
  @Field(() => String)
  id!: string;

  @Field(() => String, { description: 'When, as an ISO 8601 timestamp (UTC)' })
  at!: string;

  @Field(() => String, { description: "The token's sub" })
  subject!: string;

  @Field(() => DepartmentEnum)
  department!: Department;

  @Field(() => String, { nullable: true, description: 'The viewer county; null for city level' })
  county!: string | null;

  @Field(() => String, { description: 'READ for personal-data reads' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'GraphQL operation name, else the root fields asked for' })
  operation!: string | null;

  @Field(() => Int)
  personCount!: number;

  @Field(() => [String], { description: 'ID numbers of the persons returned' })
  idNumbers!: string[];

  @Field(() => String, { nullable: true, description: 'Endpoint and other details, as JSON text' })
  details!: string | null;
}

@ObjectType('AuditEventEdge')
export class AuditEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEventNode)
  node!: AuditEventNode;
}

@ObjectType('AuditEventConnection')
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Counted only when asked for. */
  countTotal!: () => Promise<number>;
}
