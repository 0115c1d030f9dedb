import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201200144 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_crypto_payment" add column if not exists "session_binding" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "waas_crypto_payment" drop column if exists "session_binding";`);
  }

}
