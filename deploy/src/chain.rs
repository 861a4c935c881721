//! What the suite's drivers need of a chain beyond calls: its clock, the events the contracts
//! emitted, and reads that all see one state. The embedded chain implements it
//! (`crate::embedded`); the drivers and the command-line tool's day are written against the trait,
//! so a node's client that implements it is what running them on a real chain takes.
use crate::calls::{CallError, Env};
use ink_e2e::{CallBuilderFinal, ContractsBackend, E2EBackend, Keypair};
use parity_scale_codec::Decode;
use std::fmt;

/// A contract event as the chain recorded it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContractEvent {
    /// The block that holds it (on a node; the embedded chain has no blocks).
    pub block: Option<u32>,
    /// The emitting contract.
    pub contract: [u8; 32],
    /// The event's topics (its signature first, then the indexed fields).
    pub topics: Vec<[u8; 32]>,
    /// The event's encoded fields.
    pub data: Vec<u8>,
}

impl ContractEvent {
    /// The event decoded as `E`, if its signature topic is `E`'s.
    pub fn decode<E: ink::env::Event + Decode>(&self) -> Option<E> {
        let signature = E::SIGNATURE_TOPIC?;
        if self.topics.first() != Some(&signature) {
            return None;
        }
        E::decode(&mut &self.data[..]).ok()
    }
}

/// A state of the chain that reads can be pinned at: on a node, a block's hash; on the embedded
/// chain, which keeps only its latest state, the count of executions that could have changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockRef(pub [u8; 32]);

/// Why the chain could not do what a driver asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The chain has no means for it (a node whose clock cannot be moved, for instance).
    Unsupported(String),
    /// The chain or its client refused or failed.
    Backend(String),
    /// The node no longer keeps the block or state asked for (it prunes: an archive node keeps
    /// every block's state).
    Pruned(String),
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Unsupported(what) => write!(f, "the chain cannot {what}"),
            ChainError::Backend(reason) => write!(f, "the chain failed: {reason}"),
            ChainError::Pruned(what) => write!(
                f,
                "the node no longer keeps {what} (the history needs an archive node: --pruning archive)"
            ),
        }
    }
}

impl std::error::Error for ChainError {}

/// The SS58 prefix of generic Substrate chains (the embedded chain and contracts-node).
pub const GENERIC_SS58_PREFIX: u16 = 42;

/// The chain's clock, its contract events and pinned reads, for any client of a chain.
#[allow(async_fn_in_trait)]
pub trait ChainAccess {
    /// The time the next call sees, in milliseconds.
    async fn now_ms(&mut self) -> Result<u64, ChainError>;

    /// Moves the chain's time forward by `ms`: what a report frame, a vote or an execution delay
    /// waits for.
    async fn advance_ms(&mut self, ms: u64) -> Result<(), ChainError>;

    /// Every contract event since the suite was deployed, oldest first (a node's client scans
    /// from the deployment block its manifest records).
    async fn events(&mut self) -> Result<Vec<ContractEvent>, ChainError>;

    /// The SS58 prefix the chain's addresses are shown with: its `ss58Format`, or 42 (generic
    /// Substrate, the embedded chain's) when it names none.
    async fn ss58_prefix(&mut self) -> Result<u16, ChainError> {
        Ok(GENERIC_SS58_PREFIX)
    }

    /// The code hash the chain records for the contract at `contract` (`None`: no contract there).
    async fn code_hash_at(
        &mut self,
        contract: &ink::primitives::AccountId,
    ) -> Result<Option<[u8; 32]>, ChainError>;

    /// The chain's current state, to pin reads at (`read_at`).
    async fn pin(&mut self) -> Result<BlockRef, ChainError>;

    /// `message`'s answer in the state `at`, or `CallError::Moved` when the chain cannot answer
    /// for that state any more. Each chain says how: a node reads at the block `at` names; the
    /// embedded chain, which keeps only its latest state, answers while nothing has run since.
    async fn read_at<Args, V>(
        &mut self,
        at: BlockRef,
        caller: &Keypair,
        message: &CallBuilderFinal<Env, Args, V>,
    ) -> Result<V, CallError>
    where
        Self: E2EBackend<Env> + Sized,
        <Self as ContractsBackend<Env>>::Error: fmt::Debug,
        Args: Sync + parity_scale_codec::Encode + Clone,
        V: Send + Decode;

    /// Every event `contract` emitted that decodes as `E`, oldest first.
    async fn events_of<E: ink::env::Event + Decode>(
        &mut self,
        contract: &ink::primitives::AccountId,
    ) -> Result<Vec<E>, ChainError> {
        Ok(decoded_events(&self.events().await?, contract))
    }
}

/// The events of `events` that `contract` emitted and that decode as `E`, in order.
pub fn decoded_events<E: ink::env::Event + Decode>(
    events: &[ContractEvent],
    contract: &ink::primitives::AccountId,
) -> Vec<E> {
    let contract: &[u8; 32] = contract.as_ref();
    events
        .iter()
        .filter(|event| &event.contract == contract)
        .filter_map(ContractEvent::decode)
        .collect()
}

/// `ChainAccess::read_at` of a message that answers `Result<T, E>`: its refusal becomes
/// `CallError::Refused`.
pub async fn read_ok_at<C, Args, T, E>(
    client: &mut C,
    at: BlockRef,
    caller: &Keypair,
    message: &CallBuilderFinal<Env, Args, Result<T, E>>,
) -> Result<T, CallError>
where
    C: ChainAccess + E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
    Args: Sync + parity_scale_codec::Encode + Clone,
    T: Send + Decode,
    E: Send + Decode + fmt::Debug,
{
    client
        .read_at(at, caller, message)
        .await?
        .map_err(|e| CallError::Refused(format!("{e:?}")))
}
