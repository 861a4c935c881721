//! Shared types, fixed-point math and policy functions of the icsETH suite.
//!
//! Nothing here is a contract: these are plain functions, tested fast off-chain, that every
//! contract calls. All arithmetic is checked (the crate is linted like the contracts) and every
//! rounding direction is chosen in the protocol's favour.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod allocation;
pub mod answer;
pub mod authority;
pub mod board;
pub mod books;
pub mod cell;
pub mod compliance;
pub mod events;
pub mod flash;
pub mod governance;
pub mod hold;
pub mod math;
pub mod operators;
pub mod oracle;
pub mod queue;
pub mod reserve;
pub mod shares;
pub mod suite;
pub mod wiring;

pub use answer::{settle_typed, TypedRefusal};
pub use authority::{Authority, GovernorError, PendingGovernor};
pub use cell::{Required, Unreadable};
pub use math::{MathError, BPS, ONE};
pub use shares::Pool;
pub use suite::SuiteAddresses;
pub use wiring::{SuiteSlot, Wiring, WiringAccess, WiringCell, WiringError};
