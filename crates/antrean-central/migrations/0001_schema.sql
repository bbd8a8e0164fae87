-- Antrean Pusat, schema version 1. docs/central.md explains every table.

-- Sites enrolled at central. A site writes only its own rows: the shipping endpoint takes
-- the site id from the authenticated key, never from the batch.
CREATE TABLE sites (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name text NOT NULL,
    region text NOT NULL DEFAULT '',
    -- SHA-256 of the site's key (32 random bytes): the key is shown once, never stored.
    key_sha256 bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Highest seq such that central holds every event 1..=it.
    confirmed_seq bigint NOT NULL DEFAULT 0,
    -- Highest seq held at all (above confirmed_seq when batches came out of order).
    max_held_seq bigint NOT NULL DEFAULT 0,
    -- What the site said it had, with the time of that event (lag = the difference).
    site_last_seq bigint NOT NULL DEFAULT 0,
    site_last_at_ms bigint NOT NULL DEFAULT 0,
    last_connected_at timestamptz,
    last_batch_at timestamptz,
    catalog_toml text,
    catalog_sha256 text NOT NULL DEFAULT '',
    -- Officer display names: {"budi": "Budi Santoso", ...} (shown to managers only).
    officers jsonb NOT NULL DEFAULT '{}'
);

-- Every event every site shipped, as the site logged it (without visitors' free text).
-- Partitioned by month of the event time; partitions are made when a month first arrives.
CREATE TABLE raw_events (
    site_id text NOT NULL REFERENCES sites (id),
    seq bigint NOT NULL,
    at_ms bigint NOT NULL,
    event jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, seq, at_ms)
) PARTITION BY RANGE (at_ms);

-- The projector's durable cursor per site: everything up to projected_seq is in the
-- rollups; day_start_seq is the last day_started at or before it (where a restarted
-- projector re-reads from to rebuild the day's open visits).
CREATE TABLE projector_cursors (
    site_id text PRIMARY KEY REFERENCES sites (id),
    projected_seq bigint NOT NULL DEFAULT 0,
    day_start_seq bigint NOT NULL DEFAULT 0,
    projected_at timestamptz NOT NULL DEFAULT now()
);

-- Projections, one row per closed visit and per rating (drill-down, and the rollups can be
-- checked against them); partitioned by month like raw_events. Written by the projector
-- in the transaction that moves its cursor, so each appears exactly once; no visitor
-- identity (a visit is a service, times, a counter).
CREATE TABLE visits (
    site_id text NOT NULL REFERENCES sites (id),
    start_ms bigint NOT NULL,
    day date NOT NULL,
    service text NOT NULL,
    agency text NOT NULL,
    counter text NOT NULL,
    officer text NOT NULL,
    wait_ms integer,
    walk_ms integer,
    service_ms integer,
    end_ms integer,
    issued boolean NOT NULL,
    outcome text NOT NULL
) PARTITION BY RANGE (start_ms);
CREATE INDEX visits_site_day ON visits (site_id, day);

CREATE TABLE ratings (
    site_id text NOT NULL REFERENCES sites (id),
    at_ms bigint NOT NULL,
    day date NOT NULL,
    service text NOT NULL,
    agency text NOT NULL,
    counter text NOT NULL,
    officer text NOT NULL,
    face smallint NOT NULL,
    -- U1..U9, NULL for a blank; NULL altogether for a face without questionnaire.
    answers smallint[],
    imported boolean NOT NULL,
    gender smallint NOT NULL,
    education smallint NOT NULL,
    disability boolean NOT NULL
) PARTITION BY RANGE (at_ms);
CREATE INDEX ratings_site_day ON ratings (site_id, day);

-- Daily rollups: sums only, so any set of rows adds up (docs/central.md).
CREATE TABLE daily_service (
    site_id text NOT NULL REFERENCES sites (id),
    day date NOT NULL,
    service text NOT NULL,
    agency text NOT NULL,
    issued bigint NOT NULL DEFAULT 0,
    served bigint NOT NULL DEFAULT 0,
    no_show bigint NOT NULL DEFAULT 0,
    cancelled bigint NOT NULL DEFAULT 0,
    expired bigint NOT NULL DEFAULT 0,
    transferred bigint NOT NULL DEFAULT 0,
    waited bigint NOT NULL DEFAULT 0,
    wait_sum_ms bigint NOT NULL DEFAULT 0,
    -- Waiting-time histogram, bucket i = antrean_core::report::rollup::WAIT_BUCKET_UPPER_S.
    wait_h00 bigint NOT NULL DEFAULT 0,
    wait_h01 bigint NOT NULL DEFAULT 0,
    wait_h02 bigint NOT NULL DEFAULT 0,
    wait_h03 bigint NOT NULL DEFAULT 0,
    wait_h04 bigint NOT NULL DEFAULT 0,
    wait_h05 bigint NOT NULL DEFAULT 0,
    wait_h06 bigint NOT NULL DEFAULT 0,
    wait_h07 bigint NOT NULL DEFAULT 0,
    wait_h08 bigint NOT NULL DEFAULT 0,
    wait_h09 bigint NOT NULL DEFAULT 0,
    wait_h10 bigint NOT NULL DEFAULT 0,
    wait_h11 bigint NOT NULL DEFAULT 0,
    wait_h12 bigint NOT NULL DEFAULT 0,
    wait_h13 bigint NOT NULL DEFAULT 0,
    wait_h14 bigint NOT NULL DEFAULT 0,
    wait_h15 bigint NOT NULL DEFAULT 0,
    wait_h16 bigint NOT NULL DEFAULT 0,
    wait_h17 bigint NOT NULL DEFAULT 0,
    wait_h18 bigint NOT NULL DEFAULT 0,
    wait_h19 bigint NOT NULL DEFAULT 0,
    wait_h20 bigint NOT NULL DEFAULT 0,
    wait_h21 bigint NOT NULL DEFAULT 0,
    wait_h22 bigint NOT NULL DEFAULT 0,
    wait_h23 bigint NOT NULL DEFAULT 0,
    wait_h24 bigint NOT NULL DEFAULT 0,
    wait_h25 bigint NOT NULL DEFAULT 0,
    wait_h26 bigint NOT NULL DEFAULT 0,
    wait_h27 bigint NOT NULL DEFAULT 0,
    wait_h28 bigint NOT NULL DEFAULT 0,
    service_n bigint NOT NULL DEFAULT 0,
    service_sum_ms bigint NOT NULL DEFAULT 0,
    measured bigint NOT NULL DEFAULT 0,
    within bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day, service)
);
CREATE INDEX daily_service_day ON daily_service (day);
CREATE INDEX daily_service_service ON daily_service (service, day);

-- The same sums per ISO week: a long period is read from weeks, its partial weeks at
-- the edges from days (a quarter across hundreds of sites reads ~7× fewer rows).
CREATE TABLE weekly_service (
    site_id text NOT NULL REFERENCES sites (id),
    -- Monday of the ISO week (local days of the site).
    week date NOT NULL,
    service text NOT NULL,
    agency text NOT NULL,
    issued bigint NOT NULL DEFAULT 0,
    served bigint NOT NULL DEFAULT 0,
    no_show bigint NOT NULL DEFAULT 0,
    cancelled bigint NOT NULL DEFAULT 0,
    expired bigint NOT NULL DEFAULT 0,
    transferred bigint NOT NULL DEFAULT 0,
    waited bigint NOT NULL DEFAULT 0,
    wait_sum_ms bigint NOT NULL DEFAULT 0,
    -- Waiting-time histogram, bucket i = antrean_core::report::rollup::WAIT_BUCKET_UPPER_S.
    wait_h00 bigint NOT NULL DEFAULT 0,
    wait_h01 bigint NOT NULL DEFAULT 0,
    wait_h02 bigint NOT NULL DEFAULT 0,
    wait_h03 bigint NOT NULL DEFAULT 0,
    wait_h04 bigint NOT NULL DEFAULT 0,
    wait_h05 bigint NOT NULL DEFAULT 0,
    wait_h06 bigint NOT NULL DEFAULT 0,
    wait_h07 bigint NOT NULL DEFAULT 0,
    wait_h08 bigint NOT NULL DEFAULT 0,
    wait_h09 bigint NOT NULL DEFAULT 0,
    wait_h10 bigint NOT NULL DEFAULT 0,
    wait_h11 bigint NOT NULL DEFAULT 0,
    wait_h12 bigint NOT NULL DEFAULT 0,
    wait_h13 bigint NOT NULL DEFAULT 0,
    wait_h14 bigint NOT NULL DEFAULT 0,
    wait_h15 bigint NOT NULL DEFAULT 0,
    wait_h16 bigint NOT NULL DEFAULT 0,
    wait_h17 bigint NOT NULL DEFAULT 0,
    wait_h18 bigint NOT NULL DEFAULT 0,
    wait_h19 bigint NOT NULL DEFAULT 0,
    wait_h20 bigint NOT NULL DEFAULT 0,
    wait_h21 bigint NOT NULL DEFAULT 0,
    wait_h22 bigint NOT NULL DEFAULT 0,
    wait_h23 bigint NOT NULL DEFAULT 0,
    wait_h24 bigint NOT NULL DEFAULT 0,
    wait_h25 bigint NOT NULL DEFAULT 0,
    wait_h26 bigint NOT NULL DEFAULT 0,
    wait_h27 bigint NOT NULL DEFAULT 0,
    wait_h28 bigint NOT NULL DEFAULT 0,
    service_n bigint NOT NULL DEFAULT 0,
    service_sum_ms bigint NOT NULL DEFAULT 0,
    measured bigint NOT NULL DEFAULT 0,
    within bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, week, service)
);
CREATE INDEX weekly_service_service ON weekly_service (service, week);

-- Visits still open at the projector's cursor (today's queue), replaced on every chunk:
-- a visit enters daily_service when it ends, and counts here until then, so a report of
-- today agrees with the site's own.
CREATE TABLE daily_open (
    site_id text NOT NULL REFERENCES sites (id),
    day date NOT NULL,
    service text NOT NULL,
    agency text NOT NULL,
    issued bigint NOT NULL,
    open bigint NOT NULL,
    PRIMARY KEY (site_id, day, service)
);

CREATE TABLE daily_counter (
    site_id text NOT NULL REFERENCES sites (id),
    day date NOT NULL,
    counter text NOT NULL,
    officer text NOT NULL,
    served bigint NOT NULL DEFAULT 0,
    service_sum_ms bigint NOT NULL DEFAULT 0,
    open_ms bigint NOT NULL DEFAULT 0,
    idle_ms bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day, counter, officer)
);
CREATE INDEX daily_counter_day ON daily_counter (day);

CREATE TABLE daily_rating (
    site_id text NOT NULL REFERENCES sites (id),
    day date NOT NULL,
    service text NOT NULL,
    agency text NOT NULL,
    respondents bigint NOT NULL DEFAULT 0,
    imported bigint NOT NULL DEFAULT 0,
    -- Per unsur U1..U9: respondents who answered it, and the sum of their answers; then
    -- the one-tap faces 1..4.
    answered_1 bigint NOT NULL DEFAULT 0,
    answered_2 bigint NOT NULL DEFAULT 0,
    answered_3 bigint NOT NULL DEFAULT 0,
    answered_4 bigint NOT NULL DEFAULT 0,
    answered_5 bigint NOT NULL DEFAULT 0,
    answered_6 bigint NOT NULL DEFAULT 0,
    answered_7 bigint NOT NULL DEFAULT 0,
    answered_8 bigint NOT NULL DEFAULT 0,
    answered_9 bigint NOT NULL DEFAULT 0,
    answer_sum_1 bigint NOT NULL DEFAULT 0,
    answer_sum_2 bigint NOT NULL DEFAULT 0,
    answer_sum_3 bigint NOT NULL DEFAULT 0,
    answer_sum_4 bigint NOT NULL DEFAULT 0,
    answer_sum_5 bigint NOT NULL DEFAULT 0,
    answer_sum_6 bigint NOT NULL DEFAULT 0,
    answer_sum_7 bigint NOT NULL DEFAULT 0,
    answer_sum_8 bigint NOT NULL DEFAULT 0,
    answer_sum_9 bigint NOT NULL DEFAULT 0,
    face_1 bigint NOT NULL DEFAULT 0,
    face_2 bigint NOT NULL DEFAULT 0,
    face_3 bigint NOT NULL DEFAULT 0,
    face_4 bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day, service)
);
CREATE INDEX daily_rating_day ON daily_rating (day);
CREATE INDEX daily_rating_service ON daily_rating (service, day);

CREATE TABLE weekly_rating (
    site_id text NOT NULL REFERENCES sites (id),
    week date NOT NULL,
    service text NOT NULL,
    agency text NOT NULL,
    respondents bigint NOT NULL DEFAULT 0,
    imported bigint NOT NULL DEFAULT 0,
    -- Per unsur U1..U9: respondents who answered it, and the sum of their answers; then
    -- the one-tap faces 1..4.
    answered_1 bigint NOT NULL DEFAULT 0,
    answered_2 bigint NOT NULL DEFAULT 0,
    answered_3 bigint NOT NULL DEFAULT 0,
    answered_4 bigint NOT NULL DEFAULT 0,
    answered_5 bigint NOT NULL DEFAULT 0,
    answered_6 bigint NOT NULL DEFAULT 0,
    answered_7 bigint NOT NULL DEFAULT 0,
    answered_8 bigint NOT NULL DEFAULT 0,
    answered_9 bigint NOT NULL DEFAULT 0,
    answer_sum_1 bigint NOT NULL DEFAULT 0,
    answer_sum_2 bigint NOT NULL DEFAULT 0,
    answer_sum_3 bigint NOT NULL DEFAULT 0,
    answer_sum_4 bigint NOT NULL DEFAULT 0,
    answer_sum_5 bigint NOT NULL DEFAULT 0,
    answer_sum_6 bigint NOT NULL DEFAULT 0,
    answer_sum_7 bigint NOT NULL DEFAULT 0,
    answer_sum_8 bigint NOT NULL DEFAULT 0,
    answer_sum_9 bigint NOT NULL DEFAULT 0,
    face_1 bigint NOT NULL DEFAULT 0,
    face_2 bigint NOT NULL DEFAULT 0,
    face_3 bigint NOT NULL DEFAULT 0,
    face_4 bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, week, service)
);
CREATE INDEX weekly_rating_service ON weekly_rating (service, week);

-- Central managers; `sites` empty = every site, else only those (a region's).
CREATE TABLE managers (
    name text PRIMARY KEY,
    password_argon2 text NOT NULL,
    sites text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Logged-in browsers: SHA-256 of the cookie, never the cookie.
CREATE TABLE web_sessions (
    token_sha256 bytea PRIMARY KEY,
    manager text NOT NULL REFERENCES managers (name) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
