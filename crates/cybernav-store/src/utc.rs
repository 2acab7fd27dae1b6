//! How an instant is bound to a query: [`UtcTime`].
//!
//! SQLite has no time type, so sqlx writes an `OffsetDateTime` there as RFC 3339 text, with
//! its own offset and without trailing fraction zeros: `…:05.1Z` and `…:05.12Z` then sort the
//! wrong way round, and `…T12:00:00+02:00` compares as text against `…T10:00:00Z`. Every
//! instant a query binds goes through [`UtcTime`] instead, which writes
//! [`cybernav_core::instant::rfc3339_utc`] (UTC, fixed width) at the precision both databases
//! keep (microseconds), so text order is time order. PostgreSQL gets `timestamptz` as before.
//! Reading needs nothing: sqlx reads that text back as an `OffsetDateTime` in UTC.

use cybernav_core::audit::to_storage_precision;
use cybernav_core::instant::rfc3339_utc;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo};
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo};
use sqlx::{Encode, Postgres, Sqlite, Type};
use time::OffsetDateTime;

/// An instant to bind, written in the one fixed-width UTC form on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(pub OffsetDateTime);

impl UtcTime {
    /// The text SQLite keeps for this instant.
    pub fn text(self) -> String {
        rfc3339_utc(to_storage_precision(self.0))
    }
}

impl From<OffsetDateTime> for UtcTime {
    fn from(t: OffsetDateTime) -> Self {
        UtcTime(t)
    }
}

/// An instant, or an optional one, as it is bound: see [`utc`].
pub trait BindUtc {
    /// [`UtcTime`] or `Option<UtcTime>`.
    type Bound;
    /// The value to bind.
    fn bound(self) -> Self::Bound;
}

impl BindUtc for OffsetDateTime {
    type Bound = UtcTime;
    fn bound(self) -> UtcTime {
        UtcTime(self)
    }
}

impl BindUtc for &OffsetDateTime {
    type Bound = UtcTime;
    fn bound(self) -> UtcTime {
        UtcTime(*self)
    }
}

impl BindUtc for Option<OffsetDateTime> {
    type Bound = Option<UtcTime>;
    fn bound(self) -> Option<UtcTime> {
        self.map(UtcTime)
    }
}

impl BindUtc for &Option<OffsetDateTime> {
    type Bound = Option<UtcTime>;
    fn bound(self) -> Option<UtcTime> {
        self.map(UtcTime)
    }
}

/// An instant (or an optional one) to bind: `.bind(utc(r.decided_at))`.
pub fn utc<T: BindUtc>(t: T) -> T::Bound {
    t.bound()
}

impl Type<Sqlite> for UtcTime {
    fn type_info() -> SqliteTypeInfo {
        <OffsetDateTime as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <OffsetDateTime as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for UtcTime {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.text(), buf)
    }
}

impl Type<Postgres> for UtcTime {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <OffsetDateTime as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for UtcTime {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Postgres>::encode_by_ref(&self.0, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;

    #[test]
    fn sqlite_text_is_utc_fixed_width_at_microseconds() {
        let t = OffsetDateTime::parse("2026-11-30T12:00:05.1234567+02:00", &Rfc3339)
            .expect("an instant");
        assert_eq!(UtcTime(t).text(), "2026-11-30T10:00:05.123456000Z");
    }
}
