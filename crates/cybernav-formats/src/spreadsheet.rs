//! The formula-injection guard applied to every CSV cell we export (registry, findings,
//! answers, the need-to-know roster) and undone on import.

use std::borrow::Cow;

/// Characters that make a spreadsheet treat a cell as a formula (or that hide one).
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True when `cell`, after any leading single quotes, starts with a formula character.
///
/// Looking past existing quotes is what makes export and import exact inverses: a value that
/// really starts with `'=` is exported as `''=` and imported back as `'=`.
fn needs_guard(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// Prefixes `cell` with `'` when a spreadsheet could read it as a formula.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if needs_guard(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Removes the one leading `'` that [`guard`] (or a spreadsheet user) put before a formula
/// character; any other text is returned unchanged.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_formula_starts() {
        assert_eq!(guard("=SUM(A1:A9)"), "'=SUM(A1:A9)");
        assert_eq!(guard("+1 217-555-0100"), "'+1 217-555-0100");
        assert_eq!(guard("-2"), "'-2");
        assert_eq!(guard("@cmd"), "'@cmd");
        assert_eq!(guard("\tx"), "'\tx");
        assert_eq!(guard("\rx"), "'\rx");
        assert_eq!(guard("'=x"), "''=x");
        assert_eq!(guard("Adams"), "Adams");
        assert_eq!(guard("'Adams"), "'Adams");
        assert_eq!(guard("a=b"), "a=b");
        assert_eq!(guard(""), "");
        assert_eq!(guard("'"), "'");
    }

    #[test]
    fn unguard_strips_one_quote_before_a_formula() {
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("''=x"), "'=x");
        assert_eq!(unguard("'Adams"), "'Adams");
        assert_eq!(unguard("'"), "'");
        assert_eq!(unguard("=x"), "=x");
    }

    #[test]
    fn round_trip_is_exact() {
        for s in [
            "", "'", "''", "=", "'=", "''=", "a", "'a", "-", "'-x", "x'", "@", "''a", "'\t",
        ] {
            assert_eq!(unguard(&guard(s)), s, "{s:?}");
        }
    }
}
