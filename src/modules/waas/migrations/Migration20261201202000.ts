import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201202000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "waas_live_address_fetch" ("id" text not null, "symbol" text not null, "payment_session_id" text not null, "fetched_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_live_address_fetch_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_live_address_fetch_deleted_at" ON "waas_live_address_fetch" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_live_address_fetch_fetched_at" ON "waas_live_address_fetch" ("fetched_at") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "waas_crypto_payment" add column if not exists "payment_collection_id" text null, add column if not exists "address_handed_over_to" text null;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_collection" ON "waas_crypto_payment" ("payment_collection_id") WHERE payment_collection_id IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`alter table if exists "waas_pool_address" add column if not exists "reserved_for" text null, add column if not exists "reserved_until" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "waas_live_address_fetch" cascade;`);

    this.addSql(`drop index if exists "IDX_waas_crypto_payment_collection";`);
    this.addSql(`alter table if exists "waas_crypto_payment" drop column if exists "payment_collection_id", drop column if exists "address_handed_over_to";`);

    this.addSql(`alter table if exists "waas_pool_address" drop column if exists "reserved_for", drop column if exists "reserved_until";`);
  }

}
