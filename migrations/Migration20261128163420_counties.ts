import { Migration } from '@mikro-orm/migrations';

// Reference data: the 14 county-level units of DESIGN.md §2 (GB/T 2260).
export class Migration20261128163420_counties extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into "county" ("code", "name") values
      ('530102', '五华区'),
      ('530103', '盘龙区'),
      ('530111', '官渡区'),
      ('530112', '西山区'),
      ('530113', '东川区'),
      ('530114', '呈贡区'),
      ('530115', '晋宁区'),
      ('530124', '富民县'),
      ('530125', '宜良县'),
      ('530126', '石林彝族自治县'),
      ('530127', '嵩明县'),
      ('530128', '禄劝彝族苗族自治县'),
      ('530129', '寻甸回族彝族自治县'),
      ('530181', '安宁市');`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "county";`);
  }
}
