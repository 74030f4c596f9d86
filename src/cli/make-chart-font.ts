import fs from 'node:fs';
import path from 'node:path';
import subsetFont from 'subset-font';
import { chartAlphabet } from '../modules/reports/chart-text';
import { CHART_FONT_FILES, chartFontDirectory } from '../modules/reports/chart-font';

// Rebuilds assets/fonts/ from Noto Sans SC Regular (SIL Open Font License 1.1), cut down to the characters
// the charts can draw (chartAlphabet). The source font comes from the npm registry, e.g.:
//   npm pack @expo-google-fonts/noto-sans-sc@0.4.3 && tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz
//   npm run font:chart -- package/400Regular/NotoSansSC_400Regular.ttf
// Run it again whenever a chart label gains a character (test/unit/chart-font.test.ts says so).

async function main(): Promise<void> {
  const source = process.argv[2];
  if (!source) throw new Error('Usage: npm run font:chart -- <NotoSansSC-Regular.ttf>');
  const font = fs.readFileSync(source);
  const text = chartAlphabet();
  const directory = chartFontDirectory();
  fs.mkdirSync(directory, { recursive: true });
  for (const [format, file] of [
    ['truetype', CHART_FONT_FILES.truetype],
    ['woff2', CHART_FONT_FILES.woff2],
  ] as const) {
    const subset = await subsetFont(font, text, { targetFormat: format });
    fs.writeFileSync(path.join(directory, file), subset);
    console.log(`${file}: ${subset.length} bytes, ${[...text].length} characters`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
