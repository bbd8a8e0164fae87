-- Antrean Pusat, schema version 2: catalogs published from central to sites.
-- Fees and requirements change by regulation; central holds a catalog version per site,
-- the site pulls it when connected, checks it with the catalog loader and applies it at
-- its next day's opening, and reports back (accepted, or the file:line error).
CREATE TABLE catalog_versions (
    site_id text NOT NULL REFERENCES sites (id),
    version bigint NOT NULL,
    catalog_toml text NOT NULL,
    catalog_sha256 text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by text NOT NULL,
    -- pending: not answered yet; accepted; rejected; superseded: a newer one was published
    -- before the site answered.
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'rejected', 'superseded')),
    -- The site's words: the first error (file:line:column) when rejected.
    error text,
    -- Accepted: the local day it takes effect at the site.
    applies_on date,
    answered_at timestamptz,
    PRIMARY KEY (site_id, version)
);
