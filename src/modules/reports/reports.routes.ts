import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import { downloadHandler, type FileRouteSettings } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import { svgToPng } from './chart-render';
import { chartCategories, dispatchChartSvg, DISPATCH_CHART_SIZE } from './dispatch-chart';
import { dispatchColumns, dispatchCsv, dispatchXlsx } from './dispatch-export';
import { buildDispatchReport, type DispatchReportData } from './dispatch-report.service';

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
};
const DISPATCH_REFUSAL = (viewer: Viewer) => `Your department (${viewer.department}) may not read the dispatch report`;

async function xlsxWithChart(report: DispatchReportData, viewer: Viewer): Promise<Buffer> {
  const png = await svgToPng(dispatchChartSvg(report, chartCategories(viewer)));
  return dispatchXlsx(report, dispatchColumns(viewer), { png, size: DISPATCH_CHART_SIZE });
}

/**
 * GET /reports/dispatch.xlsx, .csv and .svg: the dispatch report's table (the XLSX with a chart sheet) and its
 * completion-rate chart, built by the same service as the query, with the viewer's columns only.
 */
export function reportRoutes(settings: FileRouteSettings, contextFor: (viewer: Viewer, operation: string) => UseCaseContext): Router {
  const router = Router();
  for (const format of ['xlsx', 'csv', 'svg'] as const) {
    router.get(
      `/reports/dispatch.${format}`,
      downloadHandler(settings, async (viewer, request) => {
        assertMayCall(viewer, 'Query', 'dispatchReport', DISPATCH_REFUSAL(viewer));
        const month = typeof request.query.month === 'string' ? request.query.month : '';
        const county = typeof request.query.county === 'string' && request.query.county !== '' ? request.query.county : null;
        const report = await buildDispatchReport(contextFor(viewer, `GET /reports/dispatch.${format}`), month, county);
        const filename = `dispatch-${report.month}${county ? `-${county}` : ''}.${format}`;
        const body =
          format === 'xlsx'
            ? await xlsxWithChart(report, viewer)
            : format === 'csv'
              ? dispatchCsv(report, dispatchColumns(viewer))
              : dispatchChartSvg(report, chartCategories(viewer));
        return {
          body,
          contentType: CONTENT_TYPES[format],
          filename,
          displayName: `${format === 'svg' ? '完成率图' : '调度表'}-${filename}`,
          disposition: format === 'svg' ? 'inline' : 'attachment',
        };
      }),
    );
  }
  return router;
}
