import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import { downloadHandler, type FileRouteSettings } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import { dispatchColumns, dispatchCsv, dispatchXlsx } from './dispatch-export';
import { buildDispatchReport } from './dispatch-report.service';

const CONTENT_TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv; charset=utf-8' };

/** GET /reports/dispatch.xlsx and .csv: the dispatch report's table, built by the same service as the query. */
export function reportRoutes(settings: FileRouteSettings, contextFor: (viewer: Viewer, operation: string) => UseCaseContext): Router {
  const router = Router();
  for (const format of ['xlsx', 'csv'] as const) {
    router.get(
      `/reports/dispatch.${format}`,
      downloadHandler(settings, async (viewer, request) => {
        assertMayCall(viewer, 'Query', 'dispatchReport', `Your department (${viewer.department}) may not read the dispatch report`);
        const month = typeof request.query.month === 'string' ? request.query.month : '';
        const county = typeof request.query.county === 'string' && request.query.county !== '' ? request.query.county : null;
        const report = await buildDispatchReport(contextFor(viewer, `GET /reports/dispatch.${format}`), month, county);
        const columns = dispatchColumns(viewer);
        const filename = `dispatch-${report.month}${county ? `-${county}` : ''}.${format}`;
        return {
          body: format === 'xlsx' ? await dispatchXlsx(report, columns) : dispatchCsv(report, columns),
          contentType: CONTENT_TYPES[format],
          filename,
          displayName: `调度表-${filename}`,
        };
      }),
    );
  }
  return router;
}
