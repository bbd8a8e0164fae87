//! A throwaway PostgreSQL cluster per test (antrean_central's `LocalCluster`: Debian's
//! `initdb` + `pg_ctl` in a temp directory on a free port; a real server, no mocks).

pub struct PgCluster {
    cluster: antrean_central::local_pg::LocalCluster,
    _dir: tempfile::TempDir,
}

impl PgCluster {
    pub fn start() -> PgCluster {
        let dir = tempfile::Builder::new()
            .prefix("antrean-pg")
            .tempdir()
            .unwrap();
        let cluster =
            antrean_central::local_pg::LocalCluster::start_in(&dir.path().join("pg"), false)
                .expect("a throwaway PostgreSQL cluster");
        PgCluster { cluster, _dir: dir }
    }

    /// Starts it again after [`PgCluster::crash`].
    pub fn up(&self) {
        self.cluster.up().unwrap();
    }

    /// Stops at once (`pg_ctl -m immediate`), like a crash.
    pub fn crash(&self) {
        self.cluster.crash().unwrap();
    }

    pub fn url(&self) -> String {
        self.cluster.url()
    }

    /// One SQL value through psql.
    pub fn query(&self, sql: &str) -> String {
        self.cluster.query(sql).unwrap()
    }
}
