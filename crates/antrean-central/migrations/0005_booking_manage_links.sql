-- Antrean Pusat, schema version 5: visitors book at central's own booking page
-- (docs/booking.md, "Booked at central"). Such a booking has no partner; its visitor gets a
-- private link to view, change or cancel it. The link's token is 32 random bytes shown
-- once; only its SHA-256 is kept here, so the table does not hand out links.
ALTER TABLE bookings ADD COLUMN manage_sha256 bytea;
CREATE UNIQUE INDEX bookings_by_manage_link ON bookings (manage_sha256)
    WHERE manage_sha256 IS NOT NULL;
