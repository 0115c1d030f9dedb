import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201200900 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_withdrawal" drop constraint if exists "waas_withdrawal_waas_id_unique";`);
    this.addSql(`alter table if exists "waas_withdrawal" drop constraint if exists "waas_withdrawal_request_id_unique";`);
    this.addSql(`create table if not exists "waas_withdrawal" ("id" text not null, "request_id" text not null, "source" text check ("source" in ('payment', 'excess', 'deposit')) not null, "crypto_payment_id" text null, "deposit_id" text null, "order_id" text null, "payment_session_id" text null, "symbol" text not null, "network" text not null, "decimals" integer not null, "to_address" text null, "memo" text null, "address_given_by" text null, "address_token_hash" text null, "address_token_expires_at" timestamptz null, "refund_amount" text not null, "amount" text not null, "receive_amount" text null, "fee_bearer" text check ("fee_bearer" in ('merchant', 'shopper')) not null, "expected_service_fee" text null, "fiat_amount" text null, "currency_code" text null, "rate" text null, "rate_basis" text check ("rate_basis" in ('locked', 'current', 'crypto')) not null, "rate_source" text null, "rate_at" timestamptz null, "from_uid" text not null, "reason" text not null, "requested_by" text null, "approvals_required" integer not null, "approved_by" jsonb not null default '{"ids":[]}', "rejected_by" text null, "rejection_reason" text null, "status" text check ("status" in ('requested', 'approved', 'submitting', 'submitted', 'completed', 'rejected', 'canceled', 'failed')) not null default 'requested', "waas_withdrawal_id" text null, "withdraw_type" integer null, "waas_status" integer null, "txid" text null, "confirmations" integer null, "withdraw_fee" text null, "withdraw_fee_symbol" text null, "real_fee" text null, "fee_symbol" text null, "failure_code" text null, "failure_reason" text null, "submitted_at" timestamptz null, "completed_at" timestamptz null, "medusa_refund_id" text null, "medusa_refund_claimed_at" timestamptz null, "medusa_refunded_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_withdrawal_pkey" primary key ("id"), constraint chk_waas_withdrawal_source_ref check ((source = 'deposit' AND deposit_id IS NOT NULL) OR (source <> 'deposit' AND crypto_payment_id IS NOT NULL)), constraint chk_waas_withdrawal_submitted_has_address check (status IN ('requested', 'rejected', 'canceled') OR to_address IS NOT NULL));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_deleted_at" ON "waas_withdrawal" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_withdrawal_request_id_unique" ON "waas_withdrawal" ("request_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_withdrawal_waas_id_unique" ON "waas_withdrawal" ("waas_withdrawal_id") WHERE waas_withdrawal_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_payment" ON "waas_withdrawal" ("crypto_payment_id") WHERE crypto_payment_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_deposit" ON "waas_withdrawal" ("deposit_id") WHERE deposit_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_order" ON "waas_withdrawal" ("order_id") WHERE order_id IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_status" ON "waas_withdrawal" ("status", "updated_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_withdrawal_address_token" ON "waas_withdrawal" ("address_token_hash") WHERE address_token_hash IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_refund_due" ON "waas_withdrawal" ("status") WHERE status = 'completed' AND source = 'payment' AND medusa_refunded_at IS NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_withdrawal_audit" ("id" text not null, "withdrawal_id" text null, "request_id" text null, "action" text not null, "source" text check ("source" in ('admin', 'shopper', 'workflow', 'callback', 'poll', 'confirmation', 'system')) not null, "actor" text null, "from_status" text null, "to_status" text null, "detail" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_withdrawal_audit_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_audit_deleted_at" ON "waas_withdrawal_audit" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_audit_withdrawal" ON "waas_withdrawal_audit" ("withdrawal_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_withdrawal_audit_request_id" ON "waas_withdrawal_audit" ("request_id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "waas_withdrawal" cascade;`);

    this.addSql(`drop table if exists "waas_withdrawal_audit" cascade;`);
  }

}
