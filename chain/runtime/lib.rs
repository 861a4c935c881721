//! The contracts-node runtime, re-exported so that a `cdylib` build for wasm32 yields the runtime's
//! Wasm (what substrate-wasm-builder would build, without its native half).
#![no_std]
pub use contracts_node_runtime::*;
