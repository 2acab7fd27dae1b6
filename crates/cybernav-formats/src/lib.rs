//! Formats (being written).
