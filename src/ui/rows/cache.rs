//! Tables built at most once per model change. A list of thousands of ENIs costs
//! milliseconds to build; frames and key presses between two changes reuse it.

use super::{Table, build};
use crate::diagnose::Diagnosis;
use crate::model::Model;
use crate::ui::state::Kind;
use std::cell::OnceCell;

/// One slot per [`Kind`], filled the first time a frame or a key needs it. Whoever changes
/// the model or the diagnosis clears it.
#[derive(Debug, Default)]
pub struct Cache {
    tables: [OnceCell<Table>; Kind::ALL.len()],
}

impl Cache {
    pub fn clear(&mut self) {
        self.tables = Default::default();
    }

    /// The table of `kind` for this model and its diagnosis.
    pub fn table(&self, kind: Kind, m: &Model, d: &Diagnosis) -> &Table {
        let slot = Kind::ALL
            .iter()
            .position(|k| *k == kind)
            .expect("every kind is in Kind::ALL");
        self.tables[slot].get_or_init(|| build(kind, m, d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::diagnose;
    use crate::model::{Context, EventLevel, LiveMode};

    #[test]
    fn a_table_is_kept_until_cleared() {
        let mut m = Model::new(Context {
            cluster_name: "c".into(),
            region: None,
            source: "test".into(),
            live: LiveMode::OFF,
            api: Default::default(),
        });
        let d = diagnose(&m);
        let mut cache = Cache::default();
        assert!(cache.table(Kind::Events, &m, &d).rows.is_empty());
        m.events.push(chrono::Utc::now(), EventLevel::Info, "x");
        assert!(cache.table(Kind::Events, &m, &d).rows.is_empty(), "kept");
        cache.clear();
        assert_eq!(cache.table(Kind::Events, &m, &d).rows.len(), 1);
    }
}
