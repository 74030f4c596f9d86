// Reads back what echarts' server-side SVG holds: its bars (with the series and data index echarts tags
// them with), its texts, and the rate axis' pixel scale, so that tests can compare the drawing to the data.

export interface ChartBar {
  series: number;
  dataIndex: number;
  /** Bar height in pixels (0 for a rate of 0). */
  height: number;
}

/** A line chart's point (its symbol). */
export interface ChartPoint {
  series: number;
  dataIndex: number;
  /** Pixels above the rate axis' 0. */
  height: number;
}

export interface ChartSvg {
  bars: ChartBar[];
  points: ChartPoint[];
  texts: string[];
  /** Pixels from the rate axis' 0 to its 100. */
  axisPixels: number;
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

export function readChartSvg(svg: string): ChartSvg {
  const bars: ChartBar[] = [];
  for (const match of svg.matchAll(
    /<path d="M[\d.]+ [\d.]+l[\d.]+ 0l0 (-?[\d.]+)l-[\d.]+ 0Z"[^>]*?ecmeta_series_index="(\d+)" ecmeta_data_index="(\d+)" ecmeta_ssr_type="chart"/g,
  )) {
    bars.push({ height: Math.abs(Number(match[1])), series: Number(match[2]), dataIndex: Number(match[3]) });
  }
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => decode(match[1]!));
  const axisY = (label: string): number => {
    const match = new RegExp(`text-anchor="end"[^>]*transform="translate\\([\\d.]+ ([\\d.]+)\\)"[^>]*>${label}</text>`).exec(svg);
    if (!match) throw new Error(`No rate axis label ${label} in the chart`);
    return Number(match[1]);
  };
  const points: ChartPoint[] = [];
  for (const match of svg.matchAll(
    /transform="matrix\([\d.]+,0,0,[\d.]+,[\d.]+,([\d.]+)\)"[^>]*?ecmeta_series_index="(\d+)" ecmeta_data_index="(\d+)" ecmeta_ssr_type="chart"/g,
  )) {
    points.push({ height: axisY('0') - Number(match[1]), series: Number(match[2]), dataIndex: Number(match[3]) });
  }
  return { bars, points, texts, axisPixels: axisY('0') - axisY('100') };
}
