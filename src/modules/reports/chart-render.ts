import * as echarts from 'echarts';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import fs from 'node:fs';
import { CHART_FONT_FAMILY, CHART_FONT_INTERNAL_FAMILY, chartFont, chartFontFace } from './chart-font';

// Charts drawn on the server: echarts' server-side SVG renderer, the chart font embedded as @font-face
// (the SVG is self-contained), and the same SVG rasterised to PNG by resvg (WebAssembly build: no native
// binary, so it runs alike on Node 20/22/24 and in the image, whose install omits optional packages).

export interface ChartSize {
  width: number;
  height: number;
}

/** Text style every chart uses: the embedded family first; sans-serif is the font file itself for resvg. */
export const CHART_TEXT_STYLE = { fontFamily: `${CHART_FONT_FAMILY}, sans-serif` } as const;

/** The option rendered once, as an SVG string holding its own font. */
export function renderChartSvg(option: echarts.EChartsOption, size: ChartSize): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height, locale: 'ZH' });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: CHART_TEXT_STYLE, ...option });
    return embedFont(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

function embedFont(svg: string): string {
  const openingEnd = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  if (openingEnd <= 0) throw new Error('echarts returned no <svg> element');
  return `${svg.slice(0, openingEnd)}\n<defs><style>${chartFontFace()}</style></defs>${svg.slice(openingEnd)}`;
}

let wasmReady: Promise<void> | null = null;

function resvgReady(): Promise<void> {
  wasmReady ??= initWasm(fs.readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  return wasmReady;
}

/** The SVG as PNG at `scale` times its size (resvg ignores @font-face, so it gets the font file itself). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  await resvgReady();
  const font = chartFont().truetype;
  const renderer = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: scale },
    font: { fontBuffers: [font], defaultFontFamily: CHART_FONT_INTERNAL_FAMILY, sansSerifFamily: CHART_FONT_INTERNAL_FAMILY },
  });
  const image = renderer.render();
  try {
    return Buffer.from(image.asPng());
  } finally {
    image.free();
    renderer.free();
  }
}
