import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201230733 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_recon_run" drop constraint if exists "waas_recon_run_day_attempt_unique";`);
    this.addSql(`alter table if exists "waas_recon_break" drop constraint if exists "waas_recon_break_run_type_kind_key_unique";`);
    this.addSql(`alter table if exists "waas_mirror_record" drop constraint if exists "waas_mirror_record_kind_waas_id_unique";`);
    this.addSql(`create table if not exists "waas_mirror_record" ("id" text not null, "kind" text check ("kind" in ('deposit', 'withdrawal', 'miner_fee')) not null, "waas_id" text not null, "request_id" text null, "uid" text null, "symbol" text not null, "amount" text not null, "status" integer not null, "withdraw_type" integer null, "address_from" text not null default '', "address_to" text not null default '', "txid" text not null default '', "confirmations" integer not null default 0, "fee" text null, "fee_symbol" text null, "real_fee" text null, "withdraw_fee" text null, "withdraw_fee_symbol" text null, "final" boolean not null, "waas_created_at" timestamptz not null, "waas_updated_at" timestamptz not null, "fetched_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_mirror_record_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_mirror_record_deleted_at" ON "waas_mirror_record" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_mirror_record_kind_waas_id_unique" ON "waas_mirror_record" ("kind", "waas_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_mirror_record_kind_created" ON "waas_mirror_record" ("kind", "waas_created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_mirror_record_not_final" ON "waas_mirror_record" ("kind", "final") WHERE final = false AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_mirror_record_kind_address_from" ON "waas_mirror_record" ("kind", "address_from") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_recon_break" ("id" text not null, "run_id" text not null, "day" text not null, "type" text check ("type" in ('missing_in_ledger', 'missing_at_waas', 'amount_mismatch', 'status_mismatch', 'symbol_mismatch', 'address_mismatch', 'fee_mismatch', 'duplicate', 'credited_not_captured', 'captured_without_credit', 'withdrawal_without_refund', 'refund_without_withdrawal')) not null, "kind" text check ("kind" in ('deposit', 'withdrawal', 'payment')) not null, "match_key" text not null, "symbol" text null, "waas_id" text null, "ledger_id" text null, "order_id" text null, "waas_value" jsonb null, "ledger_value" jsonb null, "medusa_value" jsonb null, "status" text check ("status" in ('open', 'acknowledged', 'healed', 'resolved')) not null default 'open', "healed_action" text null, "note" text null, "actor" text null, "acted_at" timestamptz null, "carried_from" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_recon_break_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_recon_break_deleted_at" ON "waas_recon_break" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_recon_break_run_type_kind_key_unique" ON "waas_recon_break" ("run_id", "type", "kind", "match_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_recon_break_run_status" ON "waas_recon_break" ("run_id", "status") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_recon_medusa_fact" ("id" text not null, "run_id" text not null, "fact" text check ("fact" in ('payment', 'refund')) not null, "crypto_payment_id" text not null, "medusa_payment_id" text null, "refund_id" text null, "amount" text null, "currency_code" text null, "recorded_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_recon_medusa_fact_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_recon_medusa_fact_deleted_at" ON "waas_recon_medusa_fact" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_recon_medusa_fact_run" ON "waas_recon_medusa_fact" ("run_id", "crypto_payment_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_recon_run" ("id" text not null, "day" text not null, "attempt" integer not null, "time_zone" text not null, "window_start" timestamptz not null, "window_end" timestamptz not null, "status" text check ("status" in ('running', 'balanced', 'breaks', 'failed')) not null default 'running', "trigger" text check ("trigger" in ('job', 'admin')) not null, "requested_by" text null, "started_at" timestamptz not null, "finished_at" timestamptz null, "failure_reason" text null, "totals" jsonb null, "fees" jsonb null, "break_counts" jsonb null, "progress" jsonb not null, "unreadable_records" integer not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_recon_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_recon_run_deleted_at" ON "waas_recon_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_recon_run_day_attempt_unique" ON "waas_recon_run" ("day", "attempt") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_recon_run_status" ON "waas_recon_run" ("status") WHERE deleted_at IS NULL;`);

    // by hand (not from the models): a finished run is never edited, whoever writes (recon-states.ts)
    this.addSql(`create or replace function waas_recon_run_frozen() returns trigger language plpgsql as $$
      begin
        if OLD.status <> 'running' then
          raise exception 'waas_recon_run %: a finished run (%) is never edited; rerun the day instead', OLD.id, OLD.status;
        end if;
        return NEW;
      end $$;`);
    this.addSql(`drop trigger if exists "waas_recon_run_frozen" on "waas_recon_run";`);
    this.addSql(`create trigger "waas_recon_run_frozen" before update on "waas_recon_run" for each row execute function waas_recon_run_frozen();`);
    // by hand: the ledger side of a day is read by the WaaS's creation time (the deposit model belongs to deposits/)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_deposit_waas_created_at" ON "waas_deposit" ("waas_created_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_waas_deposit_waas_created_at";`);
    this.addSql(`drop table if exists "waas_mirror_record" cascade;`);

    this.addSql(`drop table if exists "waas_recon_break" cascade;`);

    this.addSql(`drop table if exists "waas_recon_medusa_fact" cascade;`);

    this.addSql(`drop table if exists "waas_recon_run" cascade;`);
    this.addSql(`drop function if exists waas_recon_run_frozen();`);
  }

}
