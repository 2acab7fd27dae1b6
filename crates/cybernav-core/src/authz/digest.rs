//! Capabilities for the daily digest (213.30(a)(8)).
//!
//! * Sending it now (outside its schedule): the Board and the Program Manager, who run the
//!   sharing desk; the scheduled job and the command line act as the system.
//! * Reading the run history and what one person received (receipts: item ids and marking
//!   labels, never content): the Board, the Program Manager and auditors.
//! * Everyone turns their own digest on or off (no capability: it is their own account).

use super::{Actor, Role};

capability!(
    /// May run the daily digest now.
    DigestSender
);

capability!(
    /// May read the digest runs and each person's receipts.
    DigestHistoryReader
);

impl Actor {
    /// The Board and the Program Manager send the digest.
    pub fn send_digest(&self) -> Option<DigestSender<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(DigestSender { actor: self })
    }

    /// The Board, the Program Manager and auditors read who received what.
    pub fn read_digest_history(&self) -> Option<DigestHistoryReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor
        )
        .then_some(DigestHistoryReader { actor: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn who_sends_and_who_reads_the_history() {
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
                a.send_digest().is_some(),
                matches!(role, Role::BoardAdmin | Role::ProgramManager),
                "{role:?}"
            );
            assert_eq!(
                a.read_digest_history().is_some(),
                matches!(
                    role,
                    Role::BoardAdmin | Role::ProgramManager | Role::Auditor
                ),
                "{role:?}"
            );
        }
    }
}
