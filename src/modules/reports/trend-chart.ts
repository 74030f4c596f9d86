import type { EChartsOption } from 'echarts';
import { CHART_TEXT_STYLE, renderChartSvg, type ChartSize } from './chart-render';
import { MONTH_AXIS_NAME, RATE_AXIS_NAME, SERIES_LABELS, TREND_CHART_TITLE, trendChartSubtitle } from './chart-text';
import { rateLabel, ratePercent, type ChartCategory } from './dispatch-chart';
import type { DispatchReportData } from './dispatch-report.service';

// GET /reports/trend.svg: the completion rate (R12) month by month, a line per category the viewer may read,
// from the total row of each month's dispatch report (buildDispatchTrend: the viewer's counties, or one).

export const TREND_CHART_SIZE: ChartSize = { width: 1200, height: 600 };

export function trendChartOption(months: readonly DispatchReportData[], categories: readonly ChartCategory[]): EChartsOption {
  return {
    title: { text: TREND_CHART_TITLE, subtext: trendChartSubtitle(months[0]!.month, months.at(-1)!.month), left: 'center' },
    legend: { top: 62, data: categories.map((category) => SERIES_LABELS[category]) },
    grid: { top: 110, left: 70, right: 50, bottom: 70 },
    xAxis: { type: 'category', name: MONTH_AXIS_NAME, data: months.map((report) => report.month), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', name: RATE_AXIS_NAME, min: 0, max: 100, interval: 20 },
    series: categories.map((category) => ({
      type: 'line',
      name: SERIES_LABELS[category],
      // '-' (nobody eligible that month): a gap in the line, not a zero.
      data: months.map((report) => ratePercent(report.total[category].completionRate) ?? '-'),
      symbolSize: 6,
      label: {
        show: true,
        position: 'top',
        fontSize: 10,
        ...CHART_TEXT_STYLE,
        formatter: (parameters: { value: unknown }) => (typeof parameters.value === 'number' ? rateLabel(parameters.value) : ''),
      },
    })),
  };
}

export function trendChartSvg(months: readonly DispatchReportData[], categories: readonly ChartCategory[]): string {
  return renderChartSvg(trendChartOption(months, categories), TREND_CHART_SIZE);
}
