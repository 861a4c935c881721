//! Calling contracts through any ink_e2e backend (the embedded chain or a node) without panicking:
//! every failure comes back as a `CallError` that says what failed.
use ink::env::DefaultEnvironment;
use ink_e2e::{CallBuilderFinal, ContractsBackend, E2EBackend, Keypair};
use parity_scale_codec::Decode;
use std::fmt;

/// The environment every contract of the suite uses.
pub type Env = DefaultEnvironment;

/// What one call cost, from the dry run that precedes it (the same state, so the same figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Cost {
    pub ref_time: u64,
    pub proof_size: u64,
    /// Storage deposit charged (positive) or refunded (negative), in the chain's smallest unit.
    pub storage_deposit: i128,
}

/// A message's decoded return value and its cost.
#[derive(Debug, Clone)]
pub struct Outcome<V> {
    pub value: V,
    pub cost: Cost,
}

/// Why a call produced no decodable return value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The backend refused the call (transport, signing, or a node error).
    Backend(String),
    /// The contract trapped (ran out of gas, panicked, or the runtime rejected the call).
    Dispatch(String),
    /// The call returned an ink! `LangError` (unknown selector, for instance).
    Lang(String),
    /// The return value did not decode as the message's type.
    Decode(String),
    /// The message returned `Err` (and was reverted on chain).
    Refused(String),
    /// A read pinned at a state the chain can no longer answer for (`ChainAccess::read_at`).
    Moved(String),
}

impl<T, E: fmt::Debug> Outcome<Result<T, E>> {
    /// The message's `Ok` value, or `CallError::Refused` with its `Err`.
    pub fn accepted(self) -> Result<T, CallError> {
        self.value.map_err(|e| CallError::Refused(format!("{e:?}")))
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Backend(e) => write!(f, "the chain refused the call: {e}"),
            CallError::Dispatch(e) => write!(f, "the contract trapped: {e}"),
            CallError::Lang(e) => write!(f, "the contract did not understand the call: {e}"),
            CallError::Decode(e) => write!(f, "the return value did not decode: {e}"),
            CallError::Refused(e) => write!(f, "the contract refused: {e}"),
            CallError::Moved(e) => write!(f, "the chain moved past the pinned state: {e}"),
        }
    }
}

impl std::error::Error for CallError {}

pub(crate) fn decode_exec<V: Decode>(exec: &pallet_contracts_result::ExecResult) -> Result<V, CallError> {
    let returned = exec.as_ref().map_err(|e| CallError::Dispatch(format!("{e:?}")))?;
    let message_result: ink::MessageResult<V> =
        Decode::decode(&mut &returned.data[..]).map_err(|e| CallError::Decode(e.to_string()))?;
    message_result.map_err(|e| CallError::Lang(format!("{e:?}")))
}

/// Submits `message` from `caller` with `value` attached, and returns its decoded return value.
/// A message that returns `Err` is reverted on chain and its `Err` comes back in `value`.
pub async fn submit<C, Args, V>(
    client: &mut C,
    caller: &Keypair,
    message: &CallBuilderFinal<Env, Args, V>,
    value: u128,
) -> Result<Outcome<V>, CallError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
    Args: Sync + parity_scale_codec::Encode + Clone,
    V: Send + Decode,
{
    let result = match client.call(caller, message).value(value).submit().await {
        Ok(result) => result,
        Err(e) => {
            let failure = format!("{e:?}");
            // A node runs the extrinsic and reports the contract's revert as the extrinsic's
            // failure (the embedded chain returns it as the call's answer): the answer is the
            // refusal, which the same call's dry run returns, and the revert changed nothing.
            if failure.contains("ContractReverted") {
                let dry_run = client
                    .call(caller, message)
                    .value(value)
                    .dry_run()
                    .await
                    .map_err(|e| CallError::Backend(format!("{e:?}")))?;
                let exec = &dry_run.exec_result;
                if exec.result.as_ref().is_ok_and(|r| r.did_revert()) {
                    return Ok(Outcome {
                        value: decode_exec(&exec.result)?,
                        cost: cost_of(exec),
                    });
                }
            }
            return Err(CallError::Backend(failure));
        }
    };
    let exec = &result.dry_run.exec_result;
    Ok(Outcome {
        value: decode_exec(&exec.result)?,
        cost: cost_of(exec),
    })
}

/// Dry-runs `message` from `caller` (nothing changes on chain) and returns its decoded value.
pub async fn read<C, Args, V>(
    client: &mut C,
    caller: &Keypair,
    message: &CallBuilderFinal<Env, Args, V>,
) -> Result<V, CallError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
    Args: Sync + parity_scale_codec::Encode + Clone,
    V: Send + Decode,
{
    let dry_run = client
        .call(caller, message)
        .dry_run()
        .await
        .map_err(|e| CallError::Backend(format!("{e:?}")))?;
    decode_exec(&dry_run.exec_result.result)
}

/// `read` of a message that answers `Result<T, E>`: its refusal becomes `CallError::Refused`.
pub async fn read_ok<C, Args, T, E>(
    client: &mut C,
    caller: &Keypair,
    message: &CallBuilderFinal<Env, Args, Result<T, E>>,
) -> Result<T, CallError>
where
    C: E2EBackend<Env>,
    <C as ContractsBackend<Env>>::Error: fmt::Debug,
    Args: Sync + parity_scale_codec::Encode + Clone,
    T: Send + Decode,
    E: Send + Decode + fmt::Debug,
{
    read(client, caller, message)
        .await?
        .map_err(|e| CallError::Refused(format!("{e:?}")))
}

fn cost_of<R>(exec: &pallet_contracts_result::ContractResult<R>) -> Cost {
    let storage_deposit = match exec.storage_deposit {
        pallet_contracts_result::StorageDeposit::Charge(v) => i128::try_from(v).unwrap_or(i128::MAX),
        pallet_contracts_result::StorageDeposit::Refund(v) => {
            i128::try_from(v).map(|v| -v).unwrap_or(i128::MIN)
        }
    };
    Cost {
        ref_time: exec.gas_consumed.ref_time(),
        proof_size: exec.gas_consumed.proof_size(),
        storage_deposit,
    }
}

/// Aliases over pallet-contracts' result types as the sandbox runtime instantiates them.
pub mod pallet_contracts_result {
    pub use ink_sandbox::pallet_contracts::StorageDeposit;
    use ink_sandbox::{pallet_contracts, DispatchError};

    pub type ExecResult = Result<pallet_contracts::ExecReturnValue, DispatchError>;
    pub type ContractResult<R> = pallet_contracts::ContractResult<R, u128, ()>;
}
