//! Human rendering with ariadne.
