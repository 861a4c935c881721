//! The interfaces the icsETH contracts offer one another and the outside world, as ink! trait
//! definitions with their error enums and payloads. A plain crate (no contract, no
//! `ink-as-dependency` feature, so ink_e2e does not build it as one): a contract implements an
//! interface from here and a caller calls it through the same trait, so the compiler checks
//! both ends. Error enums and payloads here are append-only: a variant or field is never
//! removed or reordered, since deployed contracts decode them by position.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod accounting;
pub mod authority;
pub mod board;
pub mod ledger;
pub mod oracle;
pub mod pool;
pub mod protection;
pub mod psp22;
pub mod registry;
