-- CreateEnum
CREATE TYPE "tenant_state" AS ENUM ('active', 'suspended');

-- CreateEnum
CREATE TYPE "user_role" AS ENUM ('platform_admin', 'operator', 'tenant_admin', 'tenant_viewer');

-- CreateEnum
CREATE TYPE "cluster_state" AS ENUM ('active', 'cordoned', 'unreachable', 'retired');

-- CreateEnum
CREATE TYPE "number_mode" AS ENUM ('single', 'ha');

-- CreateEnum
CREATE TYPE "number_state" AS ENUM ('requested', 'provisioning', 'active', 'suspended', 'deprovisioning', 'deleted', 'failed');

-- CreateEnum
CREATE TYPE "desired_state" AS ENUM ('active', 'suspended', 'deleted');

-- CreateEnum
CREATE TYPE "placement_role" AS ENUM ('primary', 'standby');

-- CreateEnum
CREATE TYPE "placement_state" AS ENUM ('pending', 'provisioning', 'ready', 'fencing', 'fenced', 'releasing', 'released', 'failed');

-- CreateEnum
CREATE TYPE "actor_type" AS ENUM ('user', 'api_key', 'system');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "slug" VARCHAR(63) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "data_region" VARCHAR(64) NOT NULL,
    "state" "tenant_state" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "display_name" VARCHAR(200),
    "password_hash" VARCHAR(255) NOT NULL,
    "role" "user_role" NOT NULL,
    "tenant_id" UUID,
    "disabled_at" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "region" VARCHAR(64) NOT NULL,
    "zone" VARCHAR(64) NOT NULL,
    "api_server_url" VARCHAR(2048) NOT NULL,
    "credentials_ref" VARCHAR(512) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "state" "cluster_state" NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "phone_numbers" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "phone_number" VARCHAR(16) NOT NULL,
    "display_name" VARCHAR(200),
    "region" VARCHAR(64) NOT NULL,
    "mode" "number_mode" NOT NULL DEFAULT 'single',
    "state" "number_state" NOT NULL DEFAULT 'requested',
    "desired_state" "desired_state" NOT NULL DEFAULT 'active',
    "state_reason" VARCHAR(1000),
    "fencing_epoch" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "phone_numbers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "placements" (
    "id" UUID NOT NULL,
    "number_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "role" "placement_role" NOT NULL,
    "namespace" VARCHAR(63) NOT NULL,
    "state" "placement_state" NOT NULL DEFAULT 'pending',
    "epoch" BIGINT NOT NULL DEFAULT 0,
    "active_number_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "placements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "secret_hash" CHAR(64) NOT NULL,
    "scopes" TEXT[],
    "number_ids" UUID[],
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "replaced_by_id" UUID,
    "last_used_at" TIMESTAMPTZ(3),
    "created_by_type" "actor_type" NOT NULL,
    "created_by_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" "actor_type" NOT NULL,
    "actor_id" VARCHAR(64),
    "actor_label" VARCHAR(254),
    "action" VARCHAR(100) NOT NULL,
    "target_type" VARCHAR(50) NOT NULL,
    "target_id" VARCHAR(64),
    "tenant_id" UUID,
    "request_id" VARCHAR(100),
    "ip" VARCHAR(64),
    "before" JSONB,
    "after" JSONB,
    "metadata" JSONB,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE INDEX "tenants_created_at_id_idx" ON "tenants"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_tenant_id_idx" ON "users"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "refresh_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_tokens_user_id_idx" ON "refresh_tokens"("user_id");

-- CreateIndex
CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens"("family_id");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_name_key" ON "clusters"("name");

-- CreateIndex
CREATE INDEX "clusters_region_state_idx" ON "clusters"("region", "state");

-- CreateIndex
CREATE UNIQUE INDEX "phone_numbers_phone_number_key" ON "phone_numbers"("phone_number");

-- CreateIndex
CREATE INDEX "phone_numbers_tenant_id_created_at_id_idx" ON "phone_numbers"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "phone_numbers_tenant_id_state_idx" ON "phone_numbers"("tenant_id", "state");

-- CreateIndex
CREATE INDEX "phone_numbers_state_idx" ON "phone_numbers"("state");

-- CreateIndex
CREATE UNIQUE INDEX "placements_active_number_id_key" ON "placements"("active_number_id");

-- CreateIndex
CREATE INDEX "placements_number_id_idx" ON "placements"("number_id");

-- CreateIndex
CREATE INDEX "placements_cluster_id_state_idx" ON "placements"("cluster_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_replaced_by_id_key" ON "api_keys"("replaced_by_id");

-- CreateIndex
CREATE INDEX "api_keys_tenant_id_created_at_id_idx" ON "api_keys"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_id_idx" ON "audit_events"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_id_idx" ON "audit_events"("actor_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_action_id_idx" ON "audit_events"("action", "id");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_id_idx" ON "audit_events"("target_type", "target_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events"("occurred_at");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placements" ADD CONSTRAINT "placements_number_id_fkey" FOREIGN KEY ("number_id") REFERENCES "phone_numbers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placements" ADD CONSTRAINT "placements_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_replaced_by_id_fkey" FOREIGN KEY ("replaced_by_id") REFERENCES "api_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Constraints Prisma's schema language cannot express (kept by hand; see docs/adr/0003).

-- BSP staff have no tenant; tenant users have exactly one.
ALTER TABLE "users" ADD CONSTRAINT "users_role_tenant_check" CHECK (
    ("role" IN ('platform_admin', 'operator') AND "tenant_id" IS NULL)
    OR ("role" IN ('tenant_admin', 'tenant_viewer') AND "tenant_id" IS NOT NULL)
);

-- E.164: a plus sign and up to 15 digits, no leading zero.
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_e164_check" CHECK ("phone_number" ~ '^\+[1-9][0-9]{6,14}$');

ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_fencing_epoch_check" CHECK ("fencing_epoch" >= 0);

-- The active marker may only ever name the placement's own number.
ALTER TABLE "placements" ADD CONSTRAINT "placements_active_number_check" CHECK ("active_number_id" IS NULL OR "active_number_id" = "number_id");

ALTER TABLE "clusters" ADD CONSTRAINT "clusters_capacity_check" CHECK ("capacity" >= 0);

-- Audit rows are append-only: the database itself refuses to change or remove them.
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
