import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201230429 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "waas_callback_refusal" ("id" text not null, "route" text not null, "reason" text not null, "http_status" integer not null, "body_bytes" integer not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_callback_refusal_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_callback_refusal_deleted_at" ON "waas_callback_refusal" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_callback_refusal_created_at" ON "waas_callback_refusal" ("created_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "waas_pool_refill_run" ("id" text not null, "trigger" text check ("trigger" in ('job', 'admin')) not null, "actor" text null, "skipped" text null, "failed" boolean not null default false, "report" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_pool_refill_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_refill_run_deleted_at" ON "waas_pool_refill_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_pool_refill_run_created_at" ON "waas_pool_refill_run" ("created_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "waas_callback_refusal" cascade;`);

    this.addSql(`drop table if exists "waas_pool_refill_run" cascade;`);
  }

}
