//! Per-site rules (CONTRACT; being written).

/// The site rules in force (built in, extended by the user's file).
#[derive(Clone, Debug, Default)]
pub struct SiteRules {}
