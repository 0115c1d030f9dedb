import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201230454 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_address_claim_order" ON "waas_pool_address" ("symbol", "released_at", "created_at", "id") WHERE status = 'available' AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_address_reserved_for" ON "waas_pool_address" ("reserved_for") WHERE reserved_for IS NOT NULL AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_waas_pool_address_claim_order";`);
    this.addSql(`drop index if exists "IDX_waas_pool_address_reserved_for";`);
  }

}
