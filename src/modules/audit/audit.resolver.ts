import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { DepartmentEnum } from '../../shared/graphql/enums';
import { DateScalar } from '../../shared/graphql/scalars';
import type { Department } from '../../shared/domain';
import { AuditService } from './audit.service';
import { AuditEventConnection } from './audit.types';

@Resolver(() => AuditEventConnection)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'The audit log, newest first (city-level HRSS only)' })
  auditEvents(
    @Arg('from', () => DateScalar, { nullable: true, description: 'First day (China time), included' }) from: string | null,
    @Arg('to', () => DateScalar, { nullable: true, description: 'Last day (China time), included' }) to: string | null,
    @Arg('subject', () => String, { nullable: true }) subject: string | null,
    @Arg('department', () => DepartmentEnum, { nullable: true }) department: Department | null,
    @Arg('action', () => String, { nullable: true, description: 'e.g. READ' }) action: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() context: UseCaseContext,
  ): Promise<AuditEventConnection> {
    return new AuditService(context).page({
      from: from ?? null,
      to: to ?? null,
      subject: subject ?? null,
      department: department ?? null,
      action: action ?? null,
      first: first ?? 50,
      after: after ?? null,
    });
  }

  @FieldResolver(() => Int, { description: 'Events matching the arguments' })
  totalCount(@Root() connection: AuditEventConnection): Promise<number> {
    return connection.countTotal();
  }
}
