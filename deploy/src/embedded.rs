//! The embedded chain: ink_e2e's in-process pallet-contracts runtime (`ChainAccess` for it below), with a clock the caller moves,
//! realistic 18-decimal balances for the dev accounts, and every contract event kept.
//!
//! ink_e2e's default sandbox funds each dev account with 1e15 units (not 0.001 ETH), takes its block
//! time from the wall clock and returns no events. `ClockSandbox` wraps it: `execute_with` sets
//! `pallet_timestamp` from this thread's clock, then keeps the `ContractEmitted` events of the
//! execution and clears the runtime's event list; `dry_run` rolls its changes back
//! and forgets the dry run's events. The clock and the log
//! are thread-locals: ink_e2e runs each test on its own thread, so parallel tests never see each
//! other's (measured, ../shared/recipes/sandbox_with_clock.rs).
use crate::calls::CallError;
use crate::chain::{BlockRef, ChainAccess, ChainError, ContractEvent};
use ink_sandbox::{
    api::balance_api::BalanceAPI, frame_system, macros::RuntimeEvent, pallet_contracts, pallet_timestamp,
    AccountIdFor, DefaultSandbox, Extension, RuntimeMetadataPrefixed, Sandbox, Snapshot,
};
use std::cell::{Cell, RefCell};

type Runtime = <DefaultSandbox as Sandbox>::Runtime;

/// 1 ETH in the chain's smallest unit (18 decimals).
pub const ETH: u128 = 1_000_000_000_000_000_000;
/// What each dev account holds at the start: enough for institutional-size deposits.
pub const DEV_ACCOUNT_BALANCE: u128 = 1_000_000 * ETH;
/// Where every thread's clock starts (2023-11-14 12:00:23 UTC, milliseconds since the epoch): the
/// start of an oracle report frame (beacon genesis + 1,078 days), so a test that moves the clock
/// by whole days reports the snapshot at its block time.
pub const GENESIS_MS: u64 = 1_699_963_223_000;

thread_local! {
    static CLOCK_MS: Cell<u64> = const { Cell::new(GENESIS_MS) };
    static EVENTS: RefCell<Vec<ContractEvent>> = const { RefCell::new(Vec::new()) };
    /// Contracts whose storage digest is taken after every committed execution.
    static WATCHED: RefCell<Vec<[u8; 32]>> = const { RefCell::new(Vec::new()) };
    /// The watched contracts' digests after the last committed execution.
    static DIGESTS: RefCell<Vec<[u8; 32]>> = const { RefCell::new(Vec::new()) };
    /// Dry runs in progress (their executions are rolled back: no digest is taken).
    static DRY_RUNS: Cell<u32> = const { Cell::new(0) };
    /// Executions outside dry runs and moves of the clock: the state a read can be pinned at.
    static STATE_VERSION: Cell<u64> = const { Cell::new(0) };
    /// Each contract's code hash as the runtime recorded it when the contract was instantiated or
    /// its code replaced (committed executions only).
    static CODE_HASHES: RefCell<Vec<([u8; 32], [u8; 32])>> = const { RefCell::new(Vec::new()) };
}

/// The storage key of `Contracts::ContractInfoOf(account)` (pure hashing: a node's client reads
/// the same key over RPC).
pub(crate) fn contract_info_key(account: &[u8; 32]) -> Vec<u8> {
    use ink_sandbox::frame_support::__private::sp_io::hashing;
    let mut key = hashing::twox_128(b"Contracts").to_vec();
    key.extend(hashing::twox_128(b"ContractInfoOf"));
    key.extend(hashing::twox_64(account));
    key.extend(account);
    key
}

/// The code hash in a contract's `ContractInfoOf` record, inside the runtime's externalities (the
/// record starts with the trie id, then the code hash).
fn recorded_code_hash(account: &[u8; 32]) -> Option<[u8; 32]> {
    use ink_sandbox::frame_support::__private::sp_io::storage;
    use parity_scale_codec::Decode;
    let info = storage::get(&contract_info_key(account))?;
    <(Vec<u8>, [u8; 32])>::decode(&mut &info[..])
        .ok()
        .map(|(_, hash)| hash)
}

/// The code hash this thread's chain records for the contract at `account`, `None` when no
/// contract was instantiated there.
pub fn code_hash_at(account: &[u8; 32]) -> Option<[u8; 32]> {
    CODE_HASHES.with(|c| {
        c.borrow()
            .iter()
            .rev()
            .find(|(contract, _)| contract == account)
            .map(|(_, hash)| *hash)
    })
}

/// From now on, after every committed execution on this thread, digests the state of
/// `contracts`: each one's contract record (code, storage counts and deposits), every entry of its
/// storage and its native balance. `storage_digests` returns them.
pub fn watch_storage(contracts: &[ink::primitives::AccountId]) {
    WATCHED.with(|w| *w.borrow_mut() = contracts.iter().map(|a| *a.as_ref()).collect());
    DIGESTS.with(|d| d.borrow_mut().clear());
}

/// The watched contracts' digests after the last committed execution, in `watch_storage`'s order
/// (empty before the first execution after `watch_storage`).
pub fn storage_digests() -> Vec<[u8; 32]> {
    DIGESTS.with(|d| d.borrow().clone())
}

/// A contract's state, inside the runtime's externalities: its `ContractInfoOf` record, its child
/// trie walked key by key, and its free balance.
fn contract_digest(account: &[u8; 32]) -> [u8; 32] {
    use ink_sandbox::frame_support::__private::sp_io::{default_child_storage, hashing, storage};
    use parity_scale_codec::{Decode, Encode};
    let key = contract_info_key(account);
    let mut state = Vec::new();
    let info = storage::get(&key).map(|bytes| bytes.to_vec()).unwrap_or_default();
    state.extend(info.encode());
    // The record starts with the trie id (a length-prefixed byte string).
    if let Ok(trie_id) = Vec::<u8>::decode(&mut &info[..]) {
        let mut next = default_child_storage::next_key(&trie_id, &[]);
        while let Some(item) = next {
            let value = default_child_storage::get(&trie_id, &item).unwrap_or_default();
            state.extend((&item, value.to_vec()).encode());
            next = default_child_storage::next_key(&trie_id, &item);
        }
    }
    let who: AccountIdFor<Runtime> = (*account).into();
    state.extend(ink_sandbox::pallet_balances::Pallet::<Runtime>::free_balance(&who).encode());
    hashing::blake2_256(&state)
}

/// The time every later execution on this thread sees as `block_timestamp()`, in ms.
pub fn now_ms() -> u64 {
    CLOCK_MS.with(|c| c.get())
}

/// Moves this thread's clock forward by `ms`.
pub fn advance_ms(ms: u64) {
    CLOCK_MS.with(|c| c.set(c.get().saturating_add(ms)));
    STATE_VERSION.with(|v| v.set(v.get().saturating_add(1)));
}

/// How many executions outside dry runs (and moves of the clock, and snapshot restores) this
/// thread's chain has seen: any of them may have changed the state, so a read pinned before one is
/// refused after it. A balance read through the chain backend (`native_balance`) runs outside a
/// dry run and counts too: the pin errs on the side of refusing.
pub fn state_version() -> u64 {
    STATE_VERSION.with(Cell::get)
}

/// All contract events committed on this thread so far, in order.
pub fn events() -> Vec<ContractEvent> {
    EVENTS.with(|log| log.borrow().clone())
}

/// Events of type `E` emitted by `contract`, decoded, in order.
pub fn events_of<E: ink::env::Event + parity_scale_codec::Decode>(
    contract: &ink::primitives::AccountId,
) -> Vec<E> {
    crate::chain::decoded_events(&events(), contract)
}

/// Marks a dry run in progress for as long as it lives, even if the action panics (a count left
/// raised would hide every later execution from the pin and the storage digests).
struct DryRunning;

impl DryRunning {
    fn enter() -> Self {
        DRY_RUNS.with(|d| d.set(d.get().saturating_add(1)));
        DryRunning
    }
}

impl Drop for DryRunning {
    fn drop(&mut self) {
        DRY_RUNS.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// The in-process chain with a movable clock, funded dev accounts and an event log.
pub struct ClockSandbox {
    inner: DefaultSandbox,
}

impl Default for ClockSandbox {
    fn default() -> Self {
        let mut inner = DefaultSandbox::default();
        let dev = [
            ink_e2e::alice(),
            ink_e2e::bob(),
            ink_e2e::charlie(),
            ink_e2e::dave(),
            ink_e2e::eve(),
            ink_e2e::ferdie(),
            ink_e2e::one(),
            ink_e2e::two(),
        ];
        for keypair in dev {
            let who: AccountIdFor<Runtime> = keypair.public_key().0.into();
            // Minting into a fresh runtime cannot fail for these amounts; a failure here is a
            // broken runtime, which no test could survive anyway.
            inner
                .mint_into(&who, DEV_ACCOUNT_BALANCE)
                .expect("the sandbox runtime refused to fund a dev account");
        }
        Self { inner }
    }
}

impl Sandbox for ClockSandbox {
    type Runtime = Runtime;

    fn execute_with<T>(&mut self, execute: impl FnOnce() -> T) -> T {
        let now = now_ms();
        self.inner.execute_with(|| {
            pallet_timestamp::Pallet::<Runtime>::set_timestamp(now);
            let before = frame_system::Pallet::<Runtime>::event_count();
            let out = execute();
            let records = frame_system::Pallet::<Runtime>::events();
            let mut new_code: Vec<[u8; 32]> = Vec::new();
            for record in records.iter().skip(before as usize) {
                match &record.event {
                    RuntimeEvent::Contracts(pallet_contracts::Event::Instantiated { contract, .. })
                    | RuntimeEvent::Contracts(pallet_contracts::Event::ContractCodeUpdated {
                        contract,
                        ..
                    }) => new_code.push(*contract.as_ref()),
                    _ => {}
                }
            }
            EVENTS.with(|log| {
                let mut log = log.borrow_mut();
                for record in records.iter().skip(before as usize) {
                    if let RuntimeEvent::Contracts(pallet_contracts::Event::ContractEmitted {
                        contract,
                        data,
                    }) = &record.event
                    {
                        log.push(ContractEvent {
                            block: None,
                            contract: *contract.as_ref(),
                            topics: record.topics.iter().map(|topic| topic.0).collect(),
                            data: data.clone(),
                        });
                    }
                }
            });
            // The runtime's own event list is never read again: clearing it keeps the state (and
            // so every dry run's snapshot of it) from growing with the number of calls made.
            frame_system::Pallet::<Runtime>::reset_events();
            if DRY_RUNS.with(Cell::get) == 0 {
                STATE_VERSION.with(|v| v.set(v.get().saturating_add(1)));
                for contract in new_code {
                    if let Some(hash) = recorded_code_hash(&contract) {
                        CODE_HASHES.with(|c| c.borrow_mut().push((contract, hash)));
                    }
                }
                let watched = WATCHED.with(|w| w.borrow().clone());
                if !watched.is_empty() {
                    let digests = watched.iter().map(contract_digest).collect();
                    DIGESTS.with(|d| *d.borrow_mut() = digests);
                }
            }
            out
        })
    }

    /// Runs `action` inside a storage transaction of the runtime's overlay and rolls it back.
    /// DefaultSandbox snapshots instead: it commits and copies the whole state, so every call (each
    /// `submit` dry-runs first) cost in proportion to the chain's state, which made states of
    /// thousands of holders impractical. A rollback costs what the action changed.
    fn dry_run<T>(&mut self, action: impl FnOnce(&mut Self) -> T) -> T {
        use ink_sandbox::frame_support::__private::sp_io::storage::{
            rollback_transaction, start_transaction,
        };
        let logged = EVENTS.with(|log| log.borrow().len());
        self.inner.execute_with(start_transaction);
        let running = DryRunning::enter();
        let out = action(self);
        drop(running);
        self.inner.execute_with(rollback_transaction);
        EVENTS.with(|log| log.borrow_mut().truncate(logged));
        out
    }

    fn register_extension<E: std::any::Any + Extension>(&mut self, ext: E) {
        self.inner.register_extension(ext)
    }

    fn initialize_block(
        height: frame_system::pallet_prelude::BlockNumberFor<Runtime>,
        parent: <Runtime as frame_system::Config>::Hash,
    ) {
        DefaultSandbox::initialize_block(height, parent)
    }

    fn finalize_block(
        height: frame_system::pallet_prelude::BlockNumberFor<Runtime>,
    ) -> <Runtime as frame_system::Config>::Hash {
        DefaultSandbox::finalize_block(height)
    }

    fn default_actor() -> AccountIdFor<Runtime> {
        DefaultSandbox::default_actor()
    }

    fn get_metadata() -> RuntimeMetadataPrefixed {
        DefaultSandbox::get_metadata()
    }

    fn convert_account_to_origin(
        account: AccountIdFor<Runtime>,
    ) -> <<Runtime as frame_system::Config>::RuntimeCall as ink_sandbox::frame_support::sp_runtime::traits::Dispatchable>::RuntimeOrigin{
        DefaultSandbox::convert_account_to_origin(account)
    }

    fn take_snapshot(&mut self) -> Snapshot {
        self.inner.take_snapshot()
    }

    fn restore_snapshot(&mut self, snapshot: Snapshot) {
        STATE_VERSION.with(|v| v.set(v.get().saturating_add(1)));
        self.inner.restore_snapshot(snapshot)
    }
}

/// The client that drives the embedded chain with the project's sandbox.
pub type EmbeddedClient =
    ink_e2e::SandboxClient<ink::primitives::AccountId, ink::primitives::Hash, ClockSandbox>;

/// `who`'s free native balance on the embedded chain, signed so that changes subtract.
pub async fn native_balance(client: &mut EmbeddedClient, who: &ink_e2e::Keypair) -> Result<i128, CallError> {
    use ink_e2e::ChainBackend;
    let balance = client
        .free_balance(crate::accounts::account_of(who))
        .await
        .map_err(|e| CallError::Backend(format!("{e:?}")))?;
    i128::try_from(balance).map_err(|e| CallError::Decode(e.to_string()))
}

/// The embedded chain's means: this thread's clock and event log, and its state version as the
/// pin (it keeps only its latest state, so a pinned read is answered only while nothing ran).
impl ChainAccess for EmbeddedClient {
    async fn now_ms(&mut self) -> Result<u64, ChainError> {
        Ok(now_ms())
    }

    async fn advance_ms(&mut self, ms: u64) -> Result<(), ChainError> {
        advance_ms(ms);
        Ok(())
    }

    async fn events(&mut self) -> Result<Vec<ContractEvent>, ChainError> {
        Ok(events())
    }

    async fn code_hash_at(
        &mut self,
        contract: &ink::primitives::AccountId,
    ) -> Result<Option<[u8; 32]>, ChainError> {
        Ok(code_hash_at(contract.as_ref()))
    }

    async fn pin(&mut self) -> Result<BlockRef, ChainError> {
        let mut block = [0u8; 32];
        block[..8].copy_from_slice(&state_version().to_be_bytes());
        Ok(BlockRef(block))
    }

    /// In process nothing runs between the check and the read, so the answer is `at`'s.
    async fn read_at<Args, V>(
        &mut self,
        at: BlockRef,
        caller: &ink_e2e::Keypair,
        message: &ink_e2e::CallBuilderFinal<crate::calls::Env, Args, V>,
    ) -> Result<V, CallError>
    where
        Args: Sync + parity_scale_codec::Encode + Clone,
        V: Send + parity_scale_codec::Decode,
    {
        let now = self.pin().await.map_err(|e| CallError::Backend(e.to_string()))?;
        if now != at {
            return Err(CallError::Moved(format!(
                "pinned at state {}, the embedded chain is at state {}",
                version_of(at),
                version_of(now)
            )));
        }
        crate::calls::read(self, caller, message).await
    }
}

fn version_of(block: BlockRef) -> u64 {
    let mut version = [0u8; 8];
    version.copy_from_slice(&block.0[..8]);
    u64::from_be_bytes(version)
}
