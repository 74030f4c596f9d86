import type { EChartsOption } from 'echarts';
import type { Viewer } from '../../shared/auth';
import { grantFor, isGrantedTo } from '../access/permission-table';
import { CHART_TEXT_STYLE, renderChartSvg, type ChartSize } from './chart-render';
import { DISPATCH_CHART_TITLE, dispatchChartSubtitle, RATE_AXIS_NAME, SERIES_LABELS } from './chart-text';
import type { DispatchReportData, DispatchRowData } from './dispatch-report.service';

// GET /reports/dispatch.svg: the dispatch report's completion rate (R12) as grouped bars, a group per county
// (and 合计 when there are several), a bar per category the viewer may read. Which categories: the same
// permission table as the query and the file export (DispatchRow.<category> and CategoryTally.completionRate).

export type ChartCategory = keyof typeof SERIES_LABELS;

const CATEGORIES: readonly ChartCategory[] = ['dibao', 'tekun', 'returnedPoverty', 'all'];

export const DISPATCH_CHART_SIZE: ChartSize = { width: 1200, height: 600 };

/** The categories whose completion rate this viewer may read, in display order. */
export function chartCategories(viewer: Viewer): ChartCategory[] {
  if (!isGrantedTo(grantFor('CategoryTally', 'completionRate'), viewer)) return [];
  return CATEGORIES.filter((category) => isGrantedTo(grantFor('DispatchRow', category), viewer));
}

/** Percent with the precision of the bar (null: nobody eligible, no bar). */
export function ratePercent(rate: number | null): number | null {
  return rate === null ? null : rate * 100;
}

export function rateLabel(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

/** The rows drawn: every county of the report, then the total when the report has more than one county. */
export function chartRows(report: DispatchReportData): DispatchRowData[] {
  return report.rows.length > 1 ? [...report.rows, report.total] : report.rows;
}

export function dispatchChartOption(report: DispatchReportData, categories: readonly ChartCategory[]): EChartsOption {
  const rows = chartRows(report);
  return {
    title: { text: DISPATCH_CHART_TITLE, subtext: dispatchChartSubtitle(report.month, report.reportDate, report.year), left: 'center' },
    legend: { top: 62, data: categories.map((category) => SERIES_LABELS[category]) },
    grid: { top: 110, left: 70, right: 30, bottom: 90 },
    xAxis: { type: 'category', data: rows.map((row) => row.countyName), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', name: RATE_AXIS_NAME, min: 0, max: 100, interval: 20 },
    series: categories.map((category) => ({
      type: 'bar',
      name: SERIES_LABELS[category],
      // '-' is echarts' "no value": no bar where nobody is eligible (completionRate null).
      data: rows.map((row) => ratePercent(row[category].completionRate) ?? '-'),
      label: {
        show: true,
        position: 'top',
        rotate: 90,
        align: 'left',
        verticalAlign: 'middle',
        fontSize: 10,
        ...CHART_TEXT_STYLE,
        formatter: (parameters: { value: unknown }) => (typeof parameters.value === 'number' ? rateLabel(parameters.value) : ''),
      },
    })),
  };
}

export function dispatchChartSvg(report: DispatchReportData, categories: readonly ChartCategory[]): string {
  return renderChartSvg(dispatchChartOption(report, categories), DISPATCH_CHART_SIZE);
}
