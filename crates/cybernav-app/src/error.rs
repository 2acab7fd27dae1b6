//! The errors a use case returns, in terms the web and CLI doors map to answers.

use cybernav_core::FieldErrors;
use cybernav_core::authz::Refusal;
use cybernav_store::StoreError;

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input did not validate; every problem is listed with its field.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Sign-in failed. Deliberately the same for an unknown e-mail, a wrong password, a
    /// disabled or locked account.
    #[error("sign-in failed")]
    BadCredentials,
    /// No valid session or token.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but the role may not do this.
    #[error("not allowed")]
    Forbidden,
    /// No such thing (or not visible to this person, which looks the same).
    #[error("not found")]
    NotFound,
    /// It already exists, or conflicts with something that does.
    #[error("{0}")]
    Conflict(String),
    /// A link from an e-mail that is unknown, used or expired.
    #[error("this link is no longer valid")]
    LinkInvalid,
    /// The database failed.
    #[error("storage: {0}")]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => AppError::Conflict(what),
            other => AppError::Store(other),
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Forbidden => AppError::Forbidden,
            Refusal::NotFound => AppError::NotFound,
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl AppError {
    /// One invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(cybernav_core::FieldError::new(field, message).into())
    }
}

/// Result alias for use cases.
pub type AppResult<T> = Result<T, AppError>;
