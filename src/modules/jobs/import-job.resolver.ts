import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { findVisibleImportJob } from './import-job.service';
import { ImportJobNode } from './import-job.types';

@Resolver()
export class ImportJobResolver {
  @Query(() => ImportJobNode, {
    nullable: true,
    description: "An import job's progress and, once finished, its answer; null for an unknown id or another department's job",
  })
  async importJob(@Arg('id', () => ID) id: string, @Ctx() context: UseCaseContext): Promise<ImportJobNode | null> {
    const job = await findVisibleImportJob(context.db, requireViewer(context), id);
    if (job === null) return null;
    return { ...job, result: job.result === null ? null : JSON.stringify(job.result) };
  }
}
