import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202003504 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "waas_alert" drop constraint if exists "waas_alert_open_key_unique";`);
    this.addSql(`create table if not exists "waas_alert" ("id" text not null, "key" text not null, "condition" text not null, "subject" text null, "status" text check ("status" in ('open', 'resolved')) not null default 'open', "figures" jsonb not null, "message" text not null, "raised_at" timestamptz not null, "last_seen_at" timestamptz not null, "resolved_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "waas_alert_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_alert_deleted_at" ON "waas_alert" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_waas_alert_open_key_unique" ON "waas_alert" ("key") WHERE status = 'open' AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_waas_alert_status_raised" ON "waas_alert" ("status", "raised_at") WHERE deleted_at IS NULL;`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "waas_alert" cascade;`);

  }

}
