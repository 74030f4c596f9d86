import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { CHART_FONT_FILES, CHART_FONT_INTERNAL_FAMILY, chartFontDirectory } from '../../src/modules/reports/chart-font';
import { chartAlphabet } from '../../src/modules/reports/chart-text';
import { dispatchChartSvg } from '../../src/modules/reports/dispatch-chart';
import { assembleDispatchReport } from '../../src/modules/reports/dispatch-report.service';
import { COUNTIES } from '../../src/shared/county';
import { readChartSvg } from '../support/chart-svg';

// The shipped chart font, parsed by fontkit (not the code that made it): a glyph for every character a chart
// can draw, so no label falls back to a system font or to empty boxes ("tofu") on a machine with no CJK font.

function openFont(file: string): fontkit.Font {
  const font = fontkit.create(fs.readFileSync(path.join(chartFontDirectory(), file)));
  if (!('hasGlyphForCodePoint' in font)) throw new Error(`${file} is a collection, not one font`);
  return font;
}

function missingGlyphs(font: fontkit.Font, text: string): string[] {
  return [...new Set(text)].filter((character) => {
    const codePoint = character.codePointAt(0)!;
    return !font.hasGlyphForCodePoint(codePoint) || font.glyphForCodePoint(codePoint).id === 0;
  });
}

/** A report over all 14 counties with every rate present, so that every label is drawn. */
function fullReport() {
  const cells = COUNTIES.flatMap((county, index) =>
    (['DIBAO', 'TEKUN', 'RETURNED_POVERTY'] as const).map((category) => ({
      county: county.code,
      category,
      persons: 12,
      eligible: 10,
      enrolled: 8,
      proxyPaid: index % 11,
      proxyPaidAmount: '100.00',
      disabledLevel34: 1,
    })),
  );
  return assembleDispatchReport(
    '2024-11',
    2024,
    '2024-11-15',
    COUNTIES.map((county) => county.code),
    cells,
  );
}

describe('the chart font', () => {
  for (const file of Object.values(CHART_FONT_FILES)) {
    it(`should hold a glyph for every character of the chart alphabet in ${file}`, () => {
      const font = openFont(file);
      expect(font.familyName).toBe(CHART_FONT_INTERNAL_FAMILY);
      expect(missingGlyphs(font, chartAlphabet())).toEqual([]);
      // A subset, not the whole font: the alphabet plus .notdef and the layout glyphs it pulls in.
      expect(font.numGlyphs).toBeLessThan(1000);
    });
  }

  it('should hold a glyph for every character of every text of a chart with all counties and categories', () => {
    const svg = dispatchChartSvg(fullReport(), ['dibao', 'tekun', 'returnedPoverty', 'all']);
    const texts = readChartSvg(svg).texts.join('');
    expect(texts).toContain('禄劝彝族苗族自治县');
    expect(missingGlyphs(openFont(CHART_FONT_FILES.truetype), texts)).toEqual([]);
    expect([...new Set(texts)].filter((character) => !chartAlphabet().includes(character))).toEqual([]);
  });

  it('should have no glyph for a character outside the alphabet (the check can fail)', () => {
    expect(missingGlyphs(openFont(CHART_FONT_FILES.truetype), '龘')).toEqual(['龘']);
  });
});
