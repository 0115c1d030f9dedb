import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261123195839 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_pool_address" drop constraint if exists "waas_pool_address_payment_unique";`);
    this.addSql(`alter table if exists "waas_pool_address" drop constraint if exists "waas_pool_address_account_unique";`);
    this.addSql(`alter table if exists "waas_pool_address" drop constraint if exists "waas_pool_address_symbol_address_unique";`);
    this.addSql(`alter table if exists "waas_account" drop constraint if exists "waas_account_uid_unique";`);
    this.addSql(`alter table if exists "waas_account" drop constraint if exists "waas_account_email_unique";`);
    this.addSql(`alter table if exists "waas_sync_cursor" drop constraint if exists "waas_sync_cursor_name_unique";`);
    this.addSql(`alter table if exists "waas_crypto_payment" drop constraint if exists "waas_crypto_payment_session_unique";`);
    this.addSql(`create table if not exists "waas_crypto_payment" ("id" text not null, "payment_session_id" text not null, "order_id" text null, "symbol" text not null, "network" text not null, "address" text not null, "memo" text null, "pool_address_id" text not null, "fiat_amount" numeric not null, "currency_code" text not null, "amount_due" text not null, "rate" text not null, "rate_source" text not null, "rate_at" timestamptz not null, "decimals" integer not null, "expires_at" timestamptz not null, "monitor_until" timestamptz not null, "status" text check ("status" in ('awaiting_payment', 'underpaid', 'paid', 'overpaid', 'late_held', 'expired', 'canceled')) not null default 'awaiting_payment', "amount_received" text not null default '0', "amount_pending" text not null default '0', "raw_fiat_amount" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_crypto_payment_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_deleted_at" ON "waas_crypto_payment" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_session_unique" ON "waas_crypto_payment" ("payment_session_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_order_id" ON "waas_crypto_payment" ("order_id") WHERE order_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_status_expires" ON "waas_crypto_payment" ("status", "expires_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_symbol_address" ON "waas_crypto_payment" ("symbol", "address") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_sync_cursor" ("id" text not null, "name" text not null, "max_id" text not null default '0', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_sync_cursor_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_sync_cursor_deleted_at" ON "waas_sync_cursor" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_sync_cursor_name_unique" ON "waas_sync_cursor" ("name") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_account" ("id" text not null, "email" text not null, "symbol" text not null, "uid" text null, "status" text check ("status" in ('pending_registration', 'registered', 'provisioned')) not null default 'pending_registration', "registered_at" timestamptz null, "last_error" text null, "attempts" integer not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_account_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_account_deleted_at" ON "waas_account" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_account_email_unique" ON "waas_account" ("email") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_account_uid_unique" ON "waas_account" ("uid") WHERE uid IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_account_symbol_status" ON "waas_account" ("symbol", "status") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_pool_address" ("id" text not null, "symbol" text not null, "address" text not null, "memo" text null, "uid" text not null, "account_id" text not null, "status" text check ("status" in ('available', 'assigned', 'cooling', 'retired')) not null default 'available', "crypto_payment_id" text null, "assigned_at" timestamptz null, "released_at" timestamptz null, "cooling_until" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_pool_address_pkey" primary key ("id"), constraint chk_waas_pool_address_assigned_has_payment check (status <> 'assigned' OR crypto_payment_id IS NOT NULL), constraint chk_waas_pool_address_available_is_free check (status <> 'available' OR crypto_payment_id IS NULL), constraint chk_waas_pool_address_cooling_has_end check (status <> 'cooling' OR cooling_until IS NOT NULL));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_address_account_id" ON "waas_pool_address" ("account_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_address_deleted_at" ON "waas_pool_address" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_pool_address_symbol_address_unique" ON "waas_pool_address" ("symbol", "address") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_pool_address_account_unique" ON "waas_pool_address" ("account_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_pool_address_payment_unique" ON "waas_pool_address" ("crypto_payment_id") WHERE status = 'assigned' AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_address_symbol_status" ON "waas_pool_address" ("symbol", "status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_address_cooling_until" ON "waas_pool_address" ("cooling_until") WHERE status = 'cooling' AND deleted_at IS NULL;`);

    this.addSql(`alter table if exists "waas_pool_address" add constraint "waas_pool_address_account_id_foreign" foreign key ("account_id") references "waas_account" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "waas_pool_address" drop constraint if exists "waas_pool_address_account_id_foreign";`);

    this.addSql(`drop table if exists "waas_crypto_payment" cascade;`);

    this.addSql(`drop table if exists "waas_sync_cursor" cascade;`);

    this.addSql(`drop table if exists "waas_account" cascade;`);

    this.addSql(`drop table if exists "waas_pool_address" cascade;`);
  }

}
