import fs from 'node:fs';
import path from 'node:path';

// The charts' font: Noto Sans SC Regular (SIL OFL 1.1, assets/fonts/OFL.txt) cut down to chartAlphabet(),
// shipped in the repository so that Chinese labels render on a machine with no internet and no CJK font.
// The SVG embeds the WOFF2 as @font-face under its own family name (so a browser cannot silently use a
// system font instead); the PNG renderer loads the TrueType file, whose internal family is 'Noto Sans SC'.

export const CHART_FONT_FAMILY = 'PensionAidChartSans';
/** The family name inside the font file (its name table), which the PNG renderer matches. */
export const CHART_FONT_INTERNAL_FAMILY = 'Noto Sans SC';
export const CHART_FONT_FILES = { truetype: 'chart-sans-sc.ttf', woff2: 'chart-sans-sc.woff2' } as const;

/** assets/fonts of the checkout (or image): beside the nearest pension-aid package.json upwards. */
export function chartFontDirectory(from: string = __dirname): string {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const manifest = path.join(directory, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'pension-aid') {
      return path.join(directory, 'assets', 'fonts');
    }
    if (path.dirname(directory) === directory) throw new Error(`No pension-aid package.json above ${from}`);
  }
}

export interface ChartFont {
  truetype: Buffer;
  woff2: Buffer;
}

let loaded: ChartFont | null = null;

/** Both files, read once per process. */
export function chartFont(): ChartFont {
  if (!loaded) {
    const directory = chartFontDirectory();
    loaded = {
      truetype: fs.readFileSync(path.join(directory, CHART_FONT_FILES.truetype)),
      woff2: fs.readFileSync(path.join(directory, CHART_FONT_FILES.woff2)),
    };
  }
  return loaded;
}

/** The CSS rule an SVG carries so that it draws its text with the embedded font, self-contained. */
export function chartFontFace(): string {
  return `@font-face{font-family:${CHART_FONT_FAMILY};src:url(data:font/woff2;base64,${chartFont().woff2.toString('base64')}) format('woff2');font-weight:normal;font-style:normal;}`;
}
