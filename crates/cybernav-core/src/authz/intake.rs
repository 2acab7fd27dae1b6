//! Capabilities for threat-information intake (Part 213.30(a)(4)).
//!
//! * Importing (STIX bundles, MISP feeds, indicator lists) and registering sources: the Board
//!   and the Program Manager, who gather and validate what partners send.
//! * Reading indicators and intake runs: everyone signed in, each report filtered by the one
//!   access decision (`sharing::marking::may_see`), so a person sees an indicator only through
//!   a report their access allows. Run history (file names, counts) is for the Board staff
//!   who manage intake and for auditors.

use super::{Actor, Role};

capability!(
    /// May import threat information and register its sources.
    IntakeWriter
);

capability!(
    /// May list indicators, seeing each report only as the access decision allows.
    IndicatorReader
);

capability!(
    /// May read the history of import runs (sources, files, counts, refusals).
    IntakeHistoryReader
);

impl Actor {
    /// The Board and the Program Manager take in threat information.
    pub fn import_intel(&self) -> Option<IntakeWriter<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(IntakeWriter { actor: self })
    }

    /// Everyone signed in reads indicators, filtered report by report.
    pub fn read_indicators(&self) -> IndicatorReader<'_> {
        IndicatorReader { actor: self }
    }

    /// The Board, the Program Manager, navigators and auditors read the intake history.
    pub fn read_intake_history(&self) -> Option<IntakeHistoryReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Navigator | Role::Auditor
        )
        .then_some(IntakeHistoryReader { actor: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn only_board_and_program_manager_import() {
        for role in Role::ALL {
            let a = Actor {
                user_id: Uuid::new_v4(),
                email: "x@example.org".into(),
                role,
                election_authority_id: None,
                assigned_authorities: Vec::new(),
                partner_org_id: None,
            };
            assert_eq!(
                a.import_intel().is_some(),
                matches!(role, Role::BoardAdmin | Role::ProgramManager),
                "{role:?}"
            );
            assert_eq!(
                a.read_intake_history().is_some(),
                !matches!(role, Role::EaOfficial | Role::EaIt | Role::Partner),
                "{role:?}"
            );
        }
    }
}
