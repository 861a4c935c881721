//! The end-to-end suite's own library: the deploy library's drivers under the names the tests
//! use (`icseth_deploy`: deployment, calls, the embedded chain, the board's decisions, operators,
//! oracle reports), and what only tests need: the independent model of the rules (`model`) and
//! oracle checks against it (`oracle`).
pub mod model;
pub mod oracle;

pub use icseth_deploy::embedded as sandbox;
pub use icseth_deploy::suite as deploy;
pub use icseth_deploy::{
    account_of, advance_ms, deploy_and_wire, events, events_of, hex, native_balance, now_ms, read, read_ok,
    submit, BlockRef, CallError, ChainAccess, ChainError, ClockSandbox, Cost, DeployError, EmbeddedClient,
    Env, GovernorChoice, Outcome, SuiteConfig, BEACON_GENESIS_MS, ETH,
};
pub use icseth_deploy::{accounts, calls, governance, manifest, operators};
