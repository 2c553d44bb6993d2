-- Health and failover: the numbers' health status and its history, the activation leases that
-- fencing agents renew, and the failover records.

-- CreateEnum
CREATE TYPE "health_status" AS ENUM ('healthy', 'degraded', 'unhealthy', 'unknown');

-- CreateEnum
CREATE TYPE "failover_trigger" AS ENUM ('manual', 'unhealthy', 'instance_lost', 'cluster_unreachable');

-- CreateEnum
CREATE TYPE "failover_state" AS ENUM ('fencing', 'promoting', 'confirming', 'restoring', 'completed', 'failed');

-- AlterTable
ALTER TABLE "phone_numbers" ADD COLUMN     "health_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "health_status" "health_status";

-- CreateTable
CREATE TABLE "activation_leases" (
    "placement_id" UUID NOT NULL,
    "number_id" UUID NOT NULL,
    "epoch" BIGINT NOT NULL,
    "token_hash" CHAR(64),
    "granted_until" TIMESTAMPTZ(3),
    "renewed_at" TIMESTAMPTZ(3),
    "renewals" BIGINT NOT NULL DEFAULT 0,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activation_leases_pkey" PRIMARY KEY ("placement_id")
);

-- CreateTable
CREATE TABLE "number_health_transitions" (
    "id" BIGSERIAL NOT NULL,
    "number_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "placement_id" UUID,
    "cluster_id" UUID,
    "from_status" "health_status",
    "to_status" "health_status" NOT NULL,
    "reason" VARCHAR(1000),
    "detail" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "number_health_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "failovers" (
    "id" UUID NOT NULL,
    "number_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "open_number_id" UUID,
    "trigger" "failover_trigger" NOT NULL,
    "reason" VARCHAR(1000) NOT NULL,
    "requested_by_type" "actor_type" NOT NULL,
    "requested_by_id" VARCHAR(64),
    "state" "failover_state" NOT NULL DEFAULT 'fencing',
    "from_placement_id" UUID,
    "to_placement_id" UUID,
    "from_epoch" BIGINT,
    "to_epoch" BIGINT,
    "fence_method" VARCHAR(32),
    "error" VARCHAR(1000),
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fenced_at" TIMESTAMPTZ(3),
    "promoted_at" TIMESTAMPTZ(3),
    "connected_at" TIMESTAMPTZ(3),
    "restored_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "failovers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "activation_leases_number_id_idx" ON "activation_leases"("number_id");

-- CreateIndex
CREATE INDEX "number_health_transitions_number_id_id_idx" ON "number_health_transitions"("number_id", "id");

-- CreateIndex
CREATE INDEX "number_health_transitions_tenant_id_id_idx" ON "number_health_transitions"("tenant_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "failovers_open_number_id_key" ON "failovers"("open_number_id");

-- CreateIndex
CREATE INDEX "failovers_number_id_requested_at_idx" ON "failovers"("number_id", "requested_at");

-- CreateIndex
CREATE INDEX "failovers_tenant_id_requested_at_idx" ON "failovers"("tenant_id", "requested_at");

-- CreateIndex
CREATE INDEX "failovers_state_idx" ON "failovers"("state");

-- AddForeignKey
ALTER TABLE "activation_leases" ADD CONSTRAINT "activation_leases_placement_id_fkey" FOREIGN KEY ("placement_id") REFERENCES "placements"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "number_health_transitions" ADD CONSTRAINT "number_health_transitions_number_id_fkey" FOREIGN KEY ("number_id") REFERENCES "phone_numbers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "failovers" ADD CONSTRAINT "failovers_number_id_fkey" FOREIGN KEY ("number_id") REFERENCES "phone_numbers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Renewals update a row every few seconds: leave room on each page so they stay HOT updates.
ALTER TABLE "activation_leases" SET (fillfactor = 70);

-- A failover is open exactly while it has not ended, and then it holds its number's open slot.
ALTER TABLE "failovers" ADD CONSTRAINT "failovers_open_check" CHECK (
    ("state" IN ('completed', 'failed')) = ("open_number_id" IS NULL)
    AND ("open_number_id" IS NULL OR "open_number_id" = "number_id")
);

-- A lease token hash is lower-case hex SHA-256.
ALTER TABLE "activation_leases" ADD CONSTRAINT "activation_leases_token_hash_check" CHECK ("token_hash" IS NULL OR "token_hash" ~ '^[0-9a-f]{64}$');

-- Health history is append-only, like the lifecycle transitions.
CREATE TRIGGER "number_health_transitions_no_update_delete" BEFORE UPDATE OR DELETE ON "number_health_transitions"
    FOR EACH ROW EXECUTE FUNCTION "history_refuse_change"();

CREATE TRIGGER "number_health_transitions_no_truncate" BEFORE TRUNCATE ON "number_health_transitions"
    FOR EACH STATEMENT EXECUTE FUNCTION "history_refuse_change"();
