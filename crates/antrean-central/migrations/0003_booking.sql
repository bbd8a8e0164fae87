-- Antrean Pusat, schema version 3: bookings taken at central for the sites' services booked
-- there (catalog `booked_at = "central"`), partner apps' keys, and what syncs to each site.
-- docs/booking.md, "Booked at central".

-- Partner apps (a regional or national app booking on a site's behalf). Like site keys, a
-- partner key is 32 random bytes shown once; only its SHA-256 is kept.
CREATE TABLE partners (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name text NOT NULL,
    key_sha256 bytea NOT NULL,
    -- Requests a minute this partner may make (its own rate limit).
    per_minute integer NOT NULL CHECK (per_minute BETWEEN 1 AND 100000),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Per site: the key of its central booking codes (shared with the site over the shipping
-- link) and its counters. The row is the lock every booking of the site takes, so numbers
-- and changes are gapless and in commit order.
CREATE TABLE booking_sites (
    site_id text PRIMARY KEY REFERENCES sites (id),
    code_key bytea NOT NULL CHECK (length(code_key) = 32),
    next_number bigint NOT NULL DEFAULT 1,
    next_change bigint NOT NULL DEFAULT 1
);

CREATE TABLE bookings (
    site_id text NOT NULL REFERENCES sites (id),
    number bigint NOT NULL,
    service text NOT NULL,
    day date NOT NULL,
    -- Slot start, minutes after local midnight.
    slot_min integer NOT NULL CHECK (slot_min BETWEEN 0 AND 1439),
    state text NOT NULL CHECK (state IN ('active', 'cancelled', 'checked_in', 'expired')),
    -- The site's change sequence number of the last change (what the site syncs by).
    change_seq bigint NOT NULL,
    partner text REFERENCES partners (id),
    -- Keyed hashes of the phone and NIK (one live booking per identity, service and day).
    identity_keys text[] NOT NULL,
    -- Personal data (UU 27/2022): only what the service needs, the NIK only masked, and
    -- all of it cleared after retention_until by the purge.
    name text,
    phone text,
    nik_masked text,
    retention_until date NOT NULL,
    made_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, number)
);
CREATE INDEX bookings_by_change ON bookings (site_id, change_seq);
CREATE INDEX bookings_by_day ON bookings (site_id, service, day);
