import { Migration } from '@mikro-orm/migrations';

export class Migration20261128164547_payment_unique extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "proxy_payment" add constraint "proxy_payment_person_year_funder_unique" unique ("person_id", "year", "funder");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "proxy_payment" drop constraint "proxy_payment_person_year_funder_unique";`);
  }

}
