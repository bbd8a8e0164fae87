//! A manager's report or export: run on a blocking thread, one at a time site-wide
//! ([`crate::limits::MAX_CONCURRENT_REPORTS`]).

use antrean_protocol::{
    ErrorCode, ReportQueryDto, ResultDto, ServerMessage, bad_request, protocol_error,
};

use super::{Shared, ok};
use crate::committer::now;

/// Runs the report of `query` and, with `export = (kind, format)`, renders it as a file.
pub async fn report(
    shared: &Shared,
    query: ReportQueryDto,
    export: Option<(String, String)>,
    id: Option<String>,
) -> ServerMessage {
    let Ok(_slot) = shared.reports.clone().acquire_owned().await else {
        return protocol_error(id, ErrorCode::ShuttingDown);
    };
    let store = shared.store.clone();
    let catalog = shared.core_catalog.clone();
    let facts = shared.report_facts.clone();
    let today = catalog.site.time_zone.local(now()).date;
    let result = tokio::task::spawn_blocking(move || {
        let report =
            antrean_reports::run_with_facts(&facts, Some(&store), &catalog, &query, today)?;
        match export {
            None => Ok(ResultDto::Report {
                report: Box::new(report),
            }),
            Some((kind, format)) => {
                let (name, mime, bytes) = antrean_reports::export_file(&report, &kind, &format)?;
                use base64::Engine as _;
                Ok(ResultDto::File {
                    name,
                    mime: mime.to_owned(),
                    data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                })
            }
        }
    })
    .await
    .expect("report task");
    match result {
        Ok(result) => ok(id, result),
        Err(antrean_reports::ReportError::Query(message)) => bad_request(id, &message),
        Err(err) => {
            tracing::error!(%err, "report failed");
            protocol_error(id, ErrorCode::Internal)
        }
    }
}
