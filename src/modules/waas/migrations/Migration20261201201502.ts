import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201201502 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_deposit_credit" drop constraint if exists "waas_deposit_credit_waas_id_entry_unique";`);
    this.addSql(`alter table if exists "waas_crypto_payment" drop constraint if exists "waas_crypto_payment_status_check";`);

    this.addSql(`alter table if exists "waas_deposit" drop constraint if exists "waas_deposit_status_check";`);
    this.addSql(`alter table if exists "waas_deposit" drop constraint if exists "waas_deposit_resolution_check";`);

    this.addSql(`alter table if exists "waas_callback_inbox" add column if not exists "failures" integer not null default 0, add column if not exists "next_attempt_at" timestamptz null;`);

    this.addSql(`alter table if exists "waas_crypto_payment" add column if not exists "address_free_since" timestamptz null;`);
    this.addSql(`alter table if exists "waas_crypto_payment" add constraint "waas_crypto_payment_status_check" check("status" in ('awaiting_payment', 'underpaid', 'paid', 'overpaid', 'late_held', 'reversed', 'expired', 'canceled'));`);

    this.addSql(`alter table if exists "waas_deposit" add column if not exists "review_reason" text null;`);
    this.addSql(`alter table if exists "waas_deposit" add constraint "waas_deposit_status_check" check("status" in ('pending', 'compliance_review', 'credited', 'held', 'orphaned', 'needs_review', 'failed', 'reversed', 'refund_pending'));`);
    this.addSql(`alter table if exists "waas_deposit" add constraint "waas_deposit_resolution_check" check("resolution" in ('attached', 'mark_for_refund', 'acknowledged'));`);

    this.addSql(`drop index if exists "IDX_waas_deposit_credit_waas_id_unique";`);

    this.addSql(`alter table if exists "waas_deposit_credit" add column if not exists "entry" text check ("entry" in ('credit', 'reversal')) not null default 'credit', add column if not exists "reverses_id" text null;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_deposit_credit_waas_id_entry_unique" ON "waas_deposit_credit" ("waas_deposit_id", "entry") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "waas_crypto_payment" drop constraint if exists "waas_crypto_payment_status_check";`);

    this.addSql(`alter table if exists "waas_deposit" drop constraint if exists "waas_deposit_status_check";`);
    this.addSql(`alter table if exists "waas_deposit" drop constraint if exists "waas_deposit_resolution_check";`);

    this.addSql(`alter table if exists "waas_callback_inbox" drop column if exists "failures", drop column if exists "next_attempt_at";`);

    this.addSql(`alter table if exists "waas_crypto_payment" drop column if exists "address_free_since";`);

    this.addSql(`alter table if exists "waas_crypto_payment" add constraint "waas_crypto_payment_status_check" check("status" in ('awaiting_payment', 'underpaid', 'paid', 'overpaid', 'late_held', 'expired', 'canceled'));`);

    this.addSql(`alter table if exists "waas_deposit" drop column if exists "review_reason";`);

    this.addSql(`alter table if exists "waas_deposit" add constraint "waas_deposit_status_check" check("status" in ('pending', 'compliance_review', 'credited', 'held', 'orphaned', 'failed', 'refund_pending'));`);
    this.addSql(`alter table if exists "waas_deposit" add constraint "waas_deposit_resolution_check" check("resolution" in ('attached', 'mark_for_refund'));`);

    this.addSql(`drop index if exists "IDX_waas_deposit_credit_waas_id_entry_unique";`);
    this.addSql(`alter table if exists "waas_deposit_credit" drop column if exists "entry", drop column if exists "reverses_id";`);

    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_deposit_credit_waas_id_unique" ON "waas_deposit_credit" ("waas_deposit_id") WHERE deleted_at IS NULL;`);
  }

}
