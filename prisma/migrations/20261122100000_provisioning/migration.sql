-- Provisioning: observed state and applied revision per placement, the numbers' sealed
-- credentials, and the lifecycle transition log.

-- AlterTable
ALTER TABLE "placements" ADD COLUMN     "applied_hash" CHAR(64),
ADD COLUMN     "observed" JSONB,
ADD COLUMN     "observed_at" TIMESTAMPTZ(3),
ADD COLUMN     "state_reason" VARCHAR(1000);

-- CreateTable
CREATE TABLE "number_credentials" (
    "number_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key_id" VARCHAR(32) NOT NULL,
    "db_password" TEXT NOT NULL,
    "webapp_admin_password" TEXT NOT NULL,
    "health_api_key" TEXT NOT NULL,
    "encryption_secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "number_credentials_pkey" PRIMARY KEY ("number_id")
);

-- CreateTable
CREATE TABLE "number_state_transitions" (
    "id" BIGSERIAL NOT NULL,
    "number_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "from_state" "number_state",
    "to_state" "number_state" NOT NULL,
    "reason" VARCHAR(1000),
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "number_state_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "number_credentials_tenant_id_idx" ON "number_credentials"("tenant_id");

-- CreateIndex
CREATE INDEX "number_credentials_key_id_idx" ON "number_credentials"("key_id");

-- CreateIndex
CREATE INDEX "number_state_transitions_number_id_id_idx" ON "number_state_transitions"("number_id", "id");

-- CreateIndex
CREATE INDEX "number_state_transitions_tenant_id_id_idx" ON "number_state_transitions"("tenant_id", "id");

-- AddForeignKey
ALTER TABLE "number_credentials" ADD CONSTRAINT "number_credentials_number_id_fkey" FOREIGN KEY ("number_id") REFERENCES "phone_numbers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "number_state_transitions" ADD CONSTRAINT "number_state_transitions_number_id_fkey" FOREIGN KEY ("number_id") REFERENCES "phone_numbers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Envelopes only: a plaintext value (or an empty one) can never be stored by mistake.
ALTER TABLE "number_credentials" ADD CONSTRAINT "number_credentials_sealed_check" CHECK (
    "db_password" LIKE 'v1:%' AND "webapp_admin_password" LIKE 'v1:%'
    AND "health_api_key" LIKE 'v1:%' AND "encryption_secret" LIKE 'v1:%'
);

-- A placement's pod-set hash is lower-case hex SHA-256.
ALTER TABLE "placements" ADD CONSTRAINT "placements_applied_hash_check" CHECK ("applied_hash" IS NULL OR "applied_hash" ~ '^[0-9a-f]{64}$');

-- Transitions are history: append-only, like the audit log.
CREATE FUNCTION "history_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "number_state_transitions_no_update_delete" BEFORE UPDATE OR DELETE ON "number_state_transitions"
    FOR EACH ROW EXECUTE FUNCTION "history_refuse_change"();

CREATE TRIGGER "number_state_transitions_no_truncate" BEFORE TRUNCATE ON "number_state_transitions"
    FOR EACH STATEMENT EXECUTE FUNCTION "history_refuse_change"();
