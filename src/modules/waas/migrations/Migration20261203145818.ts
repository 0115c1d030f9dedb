import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203145818 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_crypto_payment" add column if not exists "cart_first" boolean not null default false;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_cart_first" ON "waas_crypto_payment" ("payment_collection_id") WHERE cart_first = true AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_waas_crypto_payment_cart_first";`);
    this.addSql(`alter table if exists "waas_crypto_payment" drop column if exists "cart_first";`);
  }

}
