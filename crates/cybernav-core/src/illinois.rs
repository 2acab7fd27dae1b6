//! Demo dataset (being written).
