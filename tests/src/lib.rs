//! File-driven tests for metasync live in `tests/tests/`; this library is empty by design.
