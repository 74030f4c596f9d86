import { COUNTIES } from '../../shared/county';
import type { HardshipCategory, PensionStatus } from '../../shared/domain';
import { IdNumber } from '../../shared/id-number';

// A realistic synthetic city for demos and benchmarks: valid ID numbers, all 14 counties, the three
// rosters with overlaps, exits, late recognitions (after 31 October), disability levels, pension
// statuses and payments. Deterministic for a given seed.

export interface SyntheticEntry {
  category: HardshipCategory;
  county: string;
  recognizedOn: string;
  exitedOn: string | null;
}

export interface SyntheticPerson {
  idNumber: string;
  name: string;
  gender: 'M' | 'F';
  birthDate: string;
  disabilityLevel: number | null;
  pensionStatus: PensionStatus;
  entries: SyntheticEntry[];
  payments: Array<{ year: number; amount: string; paidOn: string }>;
}

/** mulberry32: small, fast, good enough for synthetic data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国文斌志强春梅海燕金凤永福家宝云仙德荣';

// Rough population weights: the four central districts are the largest.
const COUNTY_WEIGHTS = [10, 9, 12, 10, 4, 5, 4, 2, 5, 3, 4, 6, 6, 5];
// Old area codes still found inside ID numbers (e.g. 530122 晋宁县 before it became 530115).
const ID_AREA_CODES: Record<string, string[]> = {
  '530115': ['530115', '530122'],
  '530114': ['530114', '530121'],
  '530181': ['530181', '530123'],
};

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function weightedCounty(random: () => number): string {
  const total = COUNTY_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  let target = random() * total;
  for (let index = 0; index < COUNTY_WEIGHTS.length; index++) {
    target -= COUNTY_WEIGHTS[index]!;
    if (target <= 0) return COUNTIES[index]!.code;
  }
  return COUNTIES[0]!.code;
}

function dateBetween(random: () => number, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  return new Date(start + Math.floor(random() * ((end - start) / 86_400_000 + 1)) * 86_400_000).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function pensionStatusFor(random: () => number, age: number): PensionStatus {
  if (age >= 60) return random() < 0.9 ? 'RECEIVING' : 'NOT_ENROLLED';
  const roll = random();
  if (roll < 0.72) return 'CONTRIBUTING';
  if (roll < 0.84) return 'NOT_ENROLLED';
  if (roll < 0.9) return 'SUSPENDED';
  if (roll < 0.96) return 'EMPLOYEE_PENSION';
  return 'TERMINATED';
}

export interface CityOptions {
  /** The year the city is "now" in; entries are dated up to `today`. */
  year: number;
  today: string;
}

export class SyntheticCity {
  private readonly random: () => number;
  private readonly usedIds = new Set<string>();

  constructor(
    seed: number,
    private readonly options: CityOptions,
  ) {
    this.random = seededRandom(seed);
  }

  private uniqueIdNumber(county: string, birthDate: string): IdNumber {
    const areas = ID_AREA_CODES[county] ?? [county];
    for (;;) {
      const id = IdNumber.compose(pick(this.random, areas), birthDate, Math.floor(this.random() * 1000));
      if (!this.usedIds.has(id.value)) {
        this.usedIds.add(id.value);
        return id;
      }
    }
  }

  private entriesFor(homeCounty: string): SyntheticEntry[] {
    const { year, today } = this.options;
    const random = this.random;
    const roll = random();
    const first: HardshipCategory = roll < 0.55 ? 'DIBAO' : roll < 0.68 ? 'TEKUN' : 'RETURNED_POVERTY';
    const categories: HardshipCategory[] = [first];
    if (random() < 0.1) categories.push(first === 'RETURNED_POVERTY' ? pick(random, ['DIBAO', 'TEKUN'] as const) : 'RETURNED_POVERTY');
    if (random() < 0.01)
      for (const category of ['DIBAO', 'TEKUN', 'RETURNED_POVERTY'] as const) if (!categories.includes(category)) categories.push(category);
    return categories.map((category) => {
      // About 3% moved: their second roster is in another county.
      const county = category !== first && random() < 0.3 ? weightedCounty(random) : homeCounty;
      const late = random() < 0.04;
      const recognizedOn = late
        ? dateBetween(random, `${year}-11-01`, today < `${year}-11-01` ? `${year}-11-01` : today)
        : dateBetween(random, '2016-01-01', `${year}-10-31`);
      const exits = !late && random() < 0.12;
      const exitedOn = exits
        ? dateBetween(random, addDays(recognizedOn, 1), today > recognizedOn ? today : addDays(recognizedOn, 1))
        : null;
      return { category, county, recognizedOn, exitedOn };
    });
  }

  next(): SyntheticPerson {
    const { year } = this.options;
    const random = this.random;
    const county = weightedCounty(random);
    // Mostly working age; some too young or already drawing a pension.
    const age =
      random() < 0.08 ? 60 + Math.floor(random() * 25) : random() < 0.03 ? 10 + Math.floor(random() * 6) : 16 + Math.floor(random() * 44);
    const birthDate = dateBetween(random, `${year - age}-01-01`, `${year - age}-12-28`);
    const idNumber = this.uniqueIdNumber(county, birthDate);
    const entries = this.entriesFor(county);
    const pensionStatus = pensionStatusFor(random, age);
    const disabilityRoll = random();
    const disabilityLevel =
      disabilityRoll < 0.04 ? 3 + Math.floor(random() * 2) : disabilityRoll < 0.07 ? 1 + Math.floor(random() * 2) : null;
    const payments: SyntheticPerson['payments'] = [];
    const contributing = pensionStatus === 'CONTRIBUTING' || pensionStatus === 'SUSPENDED';
    if (contributing && random() < 0.85)
      payments.push({ year: year - 1, amount: '100.00', paidOn: dateBetween(random, `${year - 1}-01-10`, `${year - 1}-12-20`) });
    if (contributing && random() < 0.7)
      payments.push({ year, amount: '100.00', paidOn: dateBetween(random, `${year}-01-10`, this.options.today) });
    return {
      idNumber: idNumber.value,
      name: pick(random, [...SURNAMES]) + pick(random, [...GIVEN]) + (random() < 0.6 ? pick(random, [...GIVEN]) : ''),
      gender: idNumber.gender,
      birthDate,
      disabilityLevel,
      pensionStatus,
      entries,
      payments,
    };
  }
}
