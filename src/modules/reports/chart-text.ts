import { COUNTIES } from '../../shared/county';
import { TOTAL_COUNTY_NAME } from './dispatch-report.service';

// Every text a chart may draw is made of these characters: the shipped chart font (assets/fonts, a subset
// of Noto Sans SC) holds exactly them, so a chart renders the same with no internet and no system CJK font.
// `npm run font:chart` rebuilds the font from this alphabet; a test checks the font has a glyph for each.

export const SERIES_LABELS = {
  dibao: '低保对象',
  tekun: '特困人员',
  returnedPoverty: '返贫致贫人口',
  all: '合计(一人只计一次)',
} as const;

export const DISPATCH_CHART_TITLE = '代缴完成率（按县(市)区和类别）';
export const TREND_CHART_TITLE = '代缴完成率趋势（按月）';
export const RATE_AXIS_NAME = '完成率(%)';
export const MONTH_AXIS_NAME = '月份';

/** The subtitle of the dispatch chart: month, report date and year. */
export function dispatchChartSubtitle(month: string, reportDate: string, year: number): string {
  return `月份：${month}（统计截至 ${reportDate}，年度 ${year}）`;
}

/** The subtitle of the trend chart: its first and last month. */
export function trendChartSubtitle(from: string, to: string): string {
  return `${from} 至 ${to}，每月 15 日统计`;
}

const PRINTABLE_ASCII = Array.from({ length: 0x7f - 0x20 }, (_, index) => String.fromCharCode(0x20 + index)).join('');

/** Sorted, distinct characters of every label above, the county names and printable ASCII (digits, %, -, …). */
export function chartAlphabet(): string {
  const texts = [
    PRINTABLE_ASCII,
    ...COUNTIES.map((county) => county.name),
    TOTAL_COUNTY_NAME,
    ...Object.values(SERIES_LABELS),
    DISPATCH_CHART_TITLE,
    TREND_CHART_TITLE,
    RATE_AXIS_NAME,
    MONTH_AXIS_NAME,
    dispatchChartSubtitle('', '', 0),
    trendChartSubtitle('', ''),
  ];
  return [...new Set([...texts.join('')])].sort().join('');
}
