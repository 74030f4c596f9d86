// The 14 county-level units (GB/T 2260). A person's county comes from the roster, never the ID prefix.

export const COUNTIES: ReadonlyArray<{ code: string; name: string }> = [
  { code: '530102', name: '五华区' },
  { code: '530103', name: '盘龙区' },
  { code: '530111', name: '官渡区' },
  { code: '530112', name: '西山区' },
  { code: '530113', name: '东川区' },
  { code: '530114', name: '呈贡区' },
  { code: '530115', name: '晋宁区' },
  { code: '530124', name: '富民县' },
  { code: '530125', name: '宜良县' },
  { code: '530126', name: '石林彝族自治县' },
  { code: '530127', name: '嵩明县' },
  { code: '530128', name: '禄劝彝族苗族自治县' },
  { code: '530129', name: '寻甸回族彝族自治县' },
  { code: '530181', name: '安宁市' },
];

const NAMES = new Map(COUNTIES.map((county) => [county.code, county.name]));

export function isCountyCode(code: unknown): code is string {
  return typeof code === 'string' && NAMES.has(code);
}

export function countyName(code: string): string {
  const name = NAMES.get(code);
  if (name === undefined) throw new RangeError(`Unknown county ${code}`);
  return name;
}
