import { Router, type Request } from 'express';
import type { Viewer } from '../../shared/auth';
import { ForbiddenError } from '../../shared/errors';
import type { UseCaseContext } from '../../shared/use-case';
import { downloadHandler, type FileRouteSettings } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import { svgToPng } from './chart-render';
import { chartCategories, dispatchChartSvg, DISPATCH_CHART_SIZE, type ChartCategory } from './dispatch-chart';
import { dispatchColumns, dispatchCsv, dispatchXlsx } from './dispatch-export';
import { buildDispatchReport, buildDispatchTrend, type DispatchReportData } from './dispatch-report.service';
import { trendChartSvg } from './trend-chart';

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
};

/** A query parameter as text: absent or repeated (an array) → '' (the service then names the field). */
function textParameter(request: Request, name: string): string {
  const value = request.query[name];
  return typeof value === 'string' ? value : '';
}

function countyParameter(request: Request): string | null {
  const value = request.query.county;
  if (value === undefined || value === '') return null;
  // A repeated county is no county code: the service's check names the field.
  return typeof value === 'string' ? value : String(value);
}

function assertMayReadDispatch(viewer: Viewer, operation: 'dispatchReport' | 'dispatchTrend'): void {
  assertMayCall(viewer, 'Query', operation, `Your department (${viewer.department}) may not read the dispatch report`);
}

/** The categories a chart draws for this viewer; none (no completion rate granted) → FORBIDDEN. */
function categoriesToDraw(viewer: Viewer): ChartCategory[] {
  const categories = chartCategories(viewer);
  if (categories.length === 0) throw new ForbiddenError(`Your department (${viewer.department}) may read no completion rate to chart`);
  return categories;
}

/** The table, and the chart sheet when the viewer may read some completion rate. */
async function dispatchXlsxWithChart(report: DispatchReportData, viewer: Viewer): Promise<Buffer> {
  const categories = chartCategories(viewer);
  const chart =
    categories.length === 0 ? undefined : { png: await svgToPng(dispatchChartSvg(report, categories)), size: DISPATCH_CHART_SIZE };
  return dispatchXlsx(report, dispatchColumns(viewer), chart);
}

/**
 * GET /reports/dispatch.xlsx, .csv and .svg and GET /reports/trend.svg: the dispatch report's table (the XLSX
 * with a chart sheet), its completion-rate chart and the month-by-month trend, built by the same services as
 * the queries, with the viewer's columns and counties only.
 */
export function reportRoutes(settings: FileRouteSettings, contextFor: (viewer: Viewer, operation: string) => UseCaseContext): Router {
  const router = Router();
  for (const format of ['xlsx', 'csv', 'svg'] as const) {
    router.get(
      `/reports/dispatch.${format}`,
      downloadHandler(settings, async (viewer, request) => {
        assertMayReadDispatch(viewer, 'dispatchReport');
        const county = countyParameter(request);
        const categories = format === 'svg' ? categoriesToDraw(viewer) : [];
        const report = await buildDispatchReport(
          contextFor(viewer, `GET /reports/dispatch.${format}`),
          textParameter(request, 'month'),
          county,
        );
        const filename = `dispatch-${report.month}${county ? `-${county}` : ''}.${format}`;
        const body =
          format === 'xlsx'
            ? await dispatchXlsxWithChart(report, viewer)
            : format === 'csv'
              ? dispatchCsv(report, dispatchColumns(viewer))
              : dispatchChartSvg(report, categories);
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
  router.get(
    '/reports/trend.svg',
    downloadHandler(settings, async (viewer, request) => {
      assertMayReadDispatch(viewer, 'dispatchTrend');
      const categories = categoriesToDraw(viewer);
      const county = countyParameter(request);
      const months = await buildDispatchTrend(
        contextFor(viewer, 'GET /reports/trend.svg'),
        textParameter(request, 'from'),
        textParameter(request, 'to'),
        county,
      );
      const filename = `trend-${months[0]!.month}-${months.at(-1)!.month}${county ? `-${county}` : ''}.svg`;
      return {
        body: trendChartSvg(months, categories),
        contentType: CONTENT_TYPES.svg,
        filename,
        displayName: `完成率趋势-${filename}`,
        disposition: 'inline',
      };
    }),
  );
  return router;
}
