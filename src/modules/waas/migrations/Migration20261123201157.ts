import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261123201157 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_deposit_credit" drop constraint if exists "waas_deposit_credit_waas_id_unique";`);
    this.addSql(`alter table if exists "waas_deposit" drop constraint if exists "waas_deposit_waas_id_unique";`);
    this.addSql(`alter table if exists "waas_callback_inbox" drop constraint if exists "waas_callback_inbox_side_waas_id_unique";`);
    this.addSql(`create table if not exists "waas_callback_inbox" ("id" text not null, "side" text check ("side" in ('deposit', 'withdraw')) not null, "waas_id" text not null, "last_status" integer not null, "last_payload" jsonb not null, "received_count" integer not null default 1, "first_received_at" timestamptz not null, "last_received_at" timestamptz not null, "processed_count" integer not null default 0, "processed_at" timestamptz null, "processing_until" timestamptz null, "attempts" integer not null default 0, "last_outcome" text null, "last_error" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_callback_inbox_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_callback_inbox_deleted_at" ON "waas_callback_inbox" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_callback_inbox_side_waas_id_unique" ON "waas_callback_inbox" ("side", "waas_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_callback_inbox_pending" ON "waas_callback_inbox" ("side", "last_received_at") WHERE processed_count < received_count AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_deposit" ("id" text not null, "waas_deposit_id" text not null, "symbol" text not null, "address_to" text not null, "amount" text not null, "txid" text not null default '', "confirmations" integer not null default 0, "waas_status" integer not null, "waas_created_at" timestamptz not null, "waas_updated_at" timestamptz not null, "status" text check ("status" in ('pending', 'compliance_review', 'credited', 'held', 'orphaned', 'failed', 'refund_pending')) not null default 'pending', "crypto_payment_id" text null, "timing" text check ("timing" in ('on_time', 'late', 'after_window')) null, "orphan_reason" text check ("orphan_reason" in ('unknown_address', 'wrong_coin', 'after_monitoring_window', 'payment_canceled', 'invalid_amount')) null, "resolution" text check ("resolution" in ('attached', 'mark_for_refund')) null, "resolved_by" text null, "resolved_at" timestamptz null, "resolution_note" text null, "last_source" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_deposit_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_deposit_deleted_at" ON "waas_deposit" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_deposit_waas_id_unique" ON "waas_deposit" ("waas_deposit_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_deposit_status" ON "waas_deposit" ("status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_deposit_payment" ON "waas_deposit" ("crypto_payment_id") WHERE crypto_payment_id IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_deposit_credit" ("id" text not null, "waas_deposit_id" text not null, "deposit_id" text not null, "crypto_payment_id" text not null, "symbol" text not null, "amount" text not null, "late" boolean not null default false, "source" text not null, "credited_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_deposit_credit_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_deposit_credit_deleted_at" ON "waas_deposit_credit" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_deposit_credit_waas_id_unique" ON "waas_deposit_credit" ("waas_deposit_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_deposit_credit_payment" ON "waas_deposit_credit" ("crypto_payment_id") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "waas_crypto_payment" add column if not exists "address_assigned_at" timestamptz null, add column if not exists "amount_excess" text not null default '0', add column if not exists "medusa_captured_at" timestamptz null;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_address_assigned" ON "waas_crypto_payment" ("address", "address_assigned_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_crypto_payment_settled_not_captured" ON "waas_crypto_payment" ("status") WHERE status IN ('paid', 'overpaid') AND medusa_captured_at IS NULL AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "waas_callback_inbox" cascade;`);

    this.addSql(`drop table if exists "waas_deposit" cascade;`);

    this.addSql(`drop table if exists "waas_deposit_credit" cascade;`);

    this.addSql(`drop index if exists "IDX_waas_crypto_payment_address_assigned";`);
    this.addSql(`drop index if exists "IDX_waas_crypto_payment_settled_not_captured";`);
    this.addSql(`alter table if exists "waas_crypto_payment" drop column if exists "address_assigned_at", drop column if exists "amount_excess", drop column if exists "medusa_captured_at";`);
  }

}
