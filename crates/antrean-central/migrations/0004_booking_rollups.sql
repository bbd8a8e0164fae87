-- Antrean Pusat, schema version 4: booking figures in the service rollups (docs/central.md,
-- "Reports"). Bookings count for the day they are for, once settled (checked in, expired
-- or cancelled); see antrean_core::report::rollup::ServiceDay. Sites' logs projected
-- before this version have zeros here until `antrean central reproject`.
ALTER TABLE daily_service
    ADD COLUMN booked_issued bigint NOT NULL DEFAULT 0,
    ADD COLUMN bookings_checked_in bigint NOT NULL DEFAULT 0,
    ADD COLUMN bookings_expired bigint NOT NULL DEFAULT 0,
    ADD COLUMN bookings_cancelled bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_early bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_early_sum_ms bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_late bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_late_sum_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE weekly_service
    ADD COLUMN booked_issued bigint NOT NULL DEFAULT 0,
    ADD COLUMN bookings_checked_in bigint NOT NULL DEFAULT 0,
    ADD COLUMN bookings_expired bigint NOT NULL DEFAULT 0,
    ADD COLUMN bookings_cancelled bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_early bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_early_sum_ms bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_late bigint NOT NULL DEFAULT 0,
    ADD COLUMN booked_late_sum_ms bigint NOT NULL DEFAULT 0;
-- Today's open visits of a checked-in booking (booked visits count as they are issued).
ALTER TABLE daily_open ADD COLUMN booked_issued bigint NOT NULL DEFAULT 0;
