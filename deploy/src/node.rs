//! A node reached over RPC: ink_e2e's node client for calls, and `ChainAccess` over the same
//! connection. ink_e2e 5.1.1 keeps `BuilderClient` private, so no wrapper can serve the drivers as
//! an `E2EBackend`: `ChainAccess` is implemented for ink_e2e's client itself, with the RPC handle
//! `connect` keeps for the process (one node per process, which is what the tool and a chain
//! check need).
//!
//! Time moves with Chopsticks' `dev_timeTravel` (a node without it answers `Unsupported`); the
//! events are read block by block from the one `connect` saw as the head; a pinned read is a
//! `state_call` of `ContractsApi_call` at the pinned block's hash.
use crate::accounts::hex_bytes;
use crate::calls::{pallet_contracts_result, CallError, Env};
use crate::chain::{BlockRef, ChainAccess, ChainError, ContractEvent};
use ink_e2e::subxt::backend::rpc::{RpcClient, RpcParams};
use ink_e2e::subxt::{OnlineClient, PolkadotConfig};
use ink_e2e::{CallBuilderFinal, Keypair};
use parity_scale_codec::{Decode, Encode};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// ink_e2e's client of a node, the suite's chain over RPC.
pub type NodeClient = ink_e2e::Client<PolkadotConfig, Env>;

/// The storage key of `Timestamp::Now` (twox128("Timestamp") ++ twox128("Now")).
const TIMESTAMP_NOW: &str = "0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb";

/// What `ChainAccess` needs beside the client: the RPC handle, a typed client for blocks and
/// events, and the contract events read so far (from the block after the one the process first
/// saw).
struct NodeRpc {
    url: String,
    rpc: RpcClient,
    api: OnlineClient<PolkadotConfig>,
    events: Mutex<EventCursor>,
}

/// The contract events of the blocks read so far, and the next block to read: each block is
/// fetched once per process however often the drivers ask for events.
struct EventCursor {
    next_block: u32,
    found: Vec<ContractEvent>,
}

static NODE: OnceLock<NodeRpc> = OnceLock::new();

fn backend(e: impl std::fmt::Display) -> ChainError {
    ChainError::Backend(e.to_string())
}

fn node() -> Result<&'static NodeRpc, ChainError> {
    NODE.get()
        .ok_or_else(|| ChainError::Backend("no node connected (icseth_deploy::node::connect)".into()))
}

fn params(values: &[serde_json::Value]) -> Result<RpcParams, ChainError> {
    let mut params = RpcParams::new();
    for value in values {
        params.push(value).map_err(backend)?;
    }
    Ok(params)
}

fn from_hex(text: &str) -> Result<Vec<u8>, ChainError> {
    let digits = text.trim_start_matches("0x");
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i.saturating_add(2))
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| backend(format!("not hex: {text}")))
        })
        .collect()
}

/// The number of the node's head block.
async fn head_number(rpc: &RpcClient) -> Result<u32, ChainError> {
    let head: serde_json::Value = rpc
        .request("chain_getHeader", params(&[])?)
        .await
        .map_err(backend)?;
    head["number"]
        .as_str()
        .and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
        .ok_or_else(|| backend("a head without a number"))
}

/// The head block's number of the node at `url`: whether it answers at all, before anything long
/// is started for it.
pub async fn probe(url: &str) -> Result<u32, ChainError> {
    let rpc = RpcClient::from_url(url).await.map_err(backend)?;
    head_number(&rpc).await
}

/// Connects to the node at `url` with the contracts' Wasm at `wasm` (what ink_e2e uploads by
/// name). One node per process: a second `connect` to another URL is refused.
pub async fn connect(url: &str, wasm: Vec<PathBuf>) -> Result<NodeClient, ChainError> {
    let rpc = RpcClient::from_url(url).await.map_err(backend)?;
    let client = NodeClient::new(rpc.clone(), wasm).await.map_err(backend)?;
    if let Some(existing) = NODE.get() {
        if existing.url != url {
            return Err(backend(format!(
                "this process is connected to {} already",
                existing.url
            )));
        }
        return Ok(client);
    }
    let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone())
        .await
        .map_err(backend)?;
    let number = head_number(&rpc).await?;
    let _ = NODE.set(NodeRpc {
        url: url.to_string(),
        rpc,
        api,
        events: Mutex::new(EventCursor {
            next_block: number.saturating_add(1),
            found: Vec::new(),
        }),
    });
    Ok(client)
}

async fn block_hash(rpc: &RpcClient, number: Option<u32>) -> Result<String, ChainError> {
    let args = match number {
        Some(n) => params(&[serde_json::json!(n)])?,
        None => params(&[])?,
    };
    let hash: Option<String> = rpc.request("chain_getBlockHash", args).await.map_err(backend)?;
    hash.ok_or_else(|| backend(format!("no block {number:?}")))
}

/// A failure to read a past block or its state: `Pruned` (naming `what`) when the node's answer
/// says it no longer keeps it, any other failure as it is.
fn past_failure(what: String, e: impl std::fmt::Display) -> ChainError {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if ["discarded", "pruned", "unknown block", "not found"]
        .iter()
        .any(|sign| lower.contains(sign))
    {
        ChainError::Pruned(format!("{what} ({text})"))
    } else {
        backend(text)
    }
}

fn past(number: u32) -> impl Fn(ink_e2e::subxt::Error) -> ChainError {
    move |e| past_failure(format!("block {number}'s state"), e)
}

/// The contract events of block `number`, in order.
async fn contract_events(node: &NodeRpc, number: u32) -> Result<Vec<ContractEvent>, ChainError> {
    let hash = block_hash(&node.rpc, Some(number))
        .await
        .map_err(|_| ChainError::Pruned(format!("block {number}")))?;
    let hash = ink_e2e::H256::from_slice(&from_hex(&hash)?);
    let events = node
        .api
        .blocks()
        .at(hash)
        .await
        .map_err(past(number))?
        .events()
        .await
        .map_err(past(number))?;
    let mut found = Vec::new();
    for event in events.iter() {
        let event = event.map_err(backend)?;
        if let Some(emitted) = event
            .as_event::<ink_e2e::events::ContractEmitted<Env>>()
            .map_err(backend)?
        {
            found.push(ContractEvent {
                block: Some(number),
                contract: *emitted.contract.as_ref(),
                topics: event.topics().iter().map(|t| t.0).collect(),
                data: emitted.data,
            });
        }
    }
    Ok(found)
}

/// Moving a full node's clock through its offset file (scripts/node.sh).
trait NodeClock {
    async fn advance_node_clock(&mut self, path: &std::path::Path, ms: u64) -> Result<(), ChainError>;
}

impl NodeClock for NodeClient {
    async fn advance_node_clock(&mut self, path: &std::path::Path, ms: u64) -> Result<(), ChainError> {
        use ink_e2e::ChainBackend;
        let target = self.now_ms().await?.saturating_add(ms);
        let text = std::fs::read_to_string(path).map_err(|e| backend(format!("{}: {e}", path.display())))?;
        let offset: i64 = text
            .trim()
            .parse()
            .map_err(|e| backend(format!("{}: {e}", path.display())))?;
        let moved = offset.saturating_add(i64::try_from(ms).unwrap_or(i64::MAX));
        std::fs::write(path, format!("{moved}\n"))
            .map_err(|e| backend(format!("{}: {e}", path.display())))?;
        // the node re-reads the offset at most every 50 ms
        std::thread::sleep(std::time::Duration::from_millis(100));
        let remark = vec![ink_e2e::subxt::dynamic::Value::from_bytes([0u8])];
        self.runtime_call(&ink_e2e::alice(), "System", "remark", remark)
            .await
            .map_err(|e| backend(format!("the transaction that carries the new time: {e:?}")))?;
        let now = self.now_ms().await?;
        if now < target {
            return Err(ChainError::Unsupported(format!(
                "move its clock: the block after the offset's change is at {now} ms, before {target} \
                 (is the node running under chain/clock/offset_clock.c with this offset file?)"
            )));
        }
        Ok(())
    }
}

impl ChainAccess for NodeClient {
    /// The `ss58Format` of the chain's `system_properties` (42 when it names none).
    async fn ss58_prefix(&mut self) -> Result<u16, ChainError> {
        let properties: serde_json::Value = node()?
            .rpc
            .request("system_properties", params(&[])?)
            .await
            .map_err(backend)?;
        Ok(properties["ss58Format"]
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(crate::chain::GENERIC_SS58_PREFIX))
    }

    /// `Timestamp::Now` at the head (the last block's time).
    async fn now_ms(&mut self) -> Result<u64, ChainError> {
        let node = node()?;
        let value: Option<String> = node
            .rpc
            .request("state_getStorage", params(&[serde_json::json!(TIMESTAMP_NOW)])?)
            .await
            .map_err(backend)?;
        let bytes = from_hex(&value.ok_or_else(|| backend("no Timestamp::Now"))?)?;
        u64::decode(&mut &bytes[..]).map_err(backend)
    }

    /// Chopsticks' `dev_timeTravel`; or, on a full node whose wall clock the offset file named by
    /// `ICSETH_CLOCK_OFFSET_FILE` moves (scripts/node.sh), the offset raised by `ms` and a
    /// transaction (Alice's remark: a dev chain) whose block carries the new time.
    async fn advance_ms(&mut self, ms: u64) -> Result<(), ChainError> {
        if let Some(path) = std::env::var_os("ICSETH_CLOCK_OFFSET_FILE") {
            return self.advance_node_clock(&PathBuf::from(path), ms).await;
        }
        let target = self.now_ms().await?.saturating_add(ms);
        let node = node()?;
        let moved: Result<serde_json::Value, _> = node
            .rpc
            .request("dev_timeTravel", params(&[serde_json::json!(target)])?)
            .await;
        moved
            .map(|_| ())
            .map_err(|e| ChainError::Unsupported(format!("move its clock (dev_timeTravel: {e})")))
    }

    async fn events(&mut self) -> Result<Vec<ContractEvent>, ChainError> {
        let node = node()?;
        let last = head_number(&node.rpc).await?;
        let first = node.events.lock().map_err(backend)?.next_block;
        let mut found = Vec::new();
        for number in first..=last {
            found.extend(contract_events(node, number).await?);
        }
        let mut cursor = node.events.lock().map_err(backend)?;
        // One driver per process reads events, so nobody moved the cursor meanwhile.
        if cursor.next_block == first && last >= first {
            cursor.found.extend(found);
            cursor.next_block = last.saturating_add(1);
        }
        Ok(cursor.found.clone())
    }

    /// `Contracts::ContractInfoOf` at the head: its record starts with the trie id, then the code
    /// hash.
    async fn code_hash_at(
        &mut self,
        contract: &ink::primitives::AccountId,
    ) -> Result<Option<[u8; 32]>, ChainError> {
        let key = crate::embedded::contract_info_key(contract.as_ref());
        let Some(info) = storage_at_head(&key).await? else {
            return Ok(None);
        };
        let (_trie_id, code_hash) = <(Vec<u8>, [u8; 32])>::decode(&mut &info[..]).map_err(backend)?;
        Ok(Some(code_hash))
    }

    async fn pin(&mut self) -> Result<BlockRef, ChainError> {
        let hash = from_hex(&block_hash(&node()?.rpc, None).await?)?;
        let bytes: [u8; 32] = hash
            .try_into()
            .map_err(|_| backend("a block hash that is not 32 bytes"))?;
        Ok(BlockRef(bytes))
    }

    /// `ContractsApi_call` at the pinned block: the answer is that block's, whatever came after.
    async fn read_at<Args, V>(
        &mut self,
        at: BlockRef,
        caller: &Keypair,
        message: &CallBuilderFinal<Env, Args, V>,
    ) -> Result<V, CallError>
    where
        Args: Sync + parity_scale_codec::Encode + Clone,
        V: Send + Decode,
    {
        let node = node().map_err(|e| CallError::Backend(e.to_string()))?;
        let params_of_call = message.clone().params();
        let dest: [u8; 32] = *params_of_call.callee().as_ref();
        let input = params_of_call.exec_input().encode();
        let origin: [u8; 32] = caller.public_key().0;
        // origin, dest, value, gas limit (none: the most), storage deposit limit (none), input
        let args = (origin, dest, 0u128, None::<u8>, None::<u8>, input).encode();
        let answer: String = node
            .rpc
            .request(
                "state_call",
                params(&[
                    serde_json::json!("ContractsApi_call"),
                    serde_json::json!(hex_bytes(&args)),
                    serde_json::json!(hex_bytes(&at.0)),
                ])
                .map_err(|e| CallError::Backend(e.to_string()))?,
            )
            .await
            .map_err(|e| CallError::Moved(format!("no state at the pinned block: {e}")))?;
        let bytes = from_hex(&answer).map_err(|e| CallError::Decode(e.to_string()))?;
        let result = pallet_contracts_result::ContractResult::<pallet_contracts_result::ExecResult>::decode(
            &mut &bytes[..],
        )
        .map_err(|e| CallError::Decode(e.to_string()))?;
        crate::calls::decode_exec(&result.result)
    }
}

/// The hash of the connected node's genesis block, `0x`-prefixed hex: what names the chain.
pub async fn genesis_hash() -> Result<String, ChainError> {
    block_hash(&node()?.rpc, Some(0)).await
}

/// The connected node's head block number.
pub async fn head() -> Result<u32, ChainError> {
    head_number(&node()?.rpc).await
}

/// The decimals of the chain's native token, from its `system_properties` (`None` when the chain
/// does not say).
pub async fn token_decimals() -> Result<Option<u32>, ChainError> {
    let properties: serde_json::Value = node()?
        .rpc
        .request("system_properties", params(&[])?)
        .await
        .map_err(backend)?;
    let decimals = &properties["tokenDecimals"];
    // a chain with several tokens lists their decimals; the first is the native one
    let first = decimals.as_array().and_then(|d| d.first()).unwrap_or(decimals);
    Ok(first.as_u64().and_then(|d| u32::try_from(d).ok()))
}

async fn storage_at_head(key: &[u8]) -> Result<Option<Vec<u8>>, ChainError> {
    let value: Option<String> = node()?
        .rpc
        .request("state_getStorage", params(&[serde_json::json!(hex_bytes(key))])?)
        .await
        .map_err(backend)?;
    value.map(|v| from_hex(&v)).transpose()
}

/// `account`'s free native balance (`System::Account`), 0 for an account the chain does not know.
pub async fn free_balance(account: &ink::primitives::AccountId) -> Result<u128, ChainError> {
    use ink_sandbox::frame_support::__private::sp_io::hashing::{blake2_128, twox_128};
    let account: &[u8; 32] = account.as_ref();
    let mut key = twox_128(b"System").to_vec();
    key.extend(twox_128(b"Account"));
    key.extend(blake2_128(account));
    key.extend(account);
    let Some(info) = storage_at_head(&key).await? else {
        return Ok(0);
    };
    // nonce, consumers, providers, sufficients, then the balances' data (free first)
    let (_, _, _, _, free) = <(u32, u32, u32, u32, u128)>::decode(&mut &info[..]).map_err(backend)?;
    Ok(free)
}

/// The contract events read so far and the next block to read: what a tool keeps between runs so
/// that the next one reads only newer blocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventLog {
    /// The chain the events are from.
    pub genesis_hash: String,
    pub next_block: u32,
    /// The hash of the last block read (`next_block - 1`): a chain restarted from the same
    /// genesis, or a fork, has another block there, and the log is not its history.
    #[serde(default)]
    pub last_block_hash: Option<String>,
    pub events: Vec<ContractEvent>,
}

impl EventLog {
    /// Whether the connected chain still has the blocks this log was read from (its genesis and
    /// the last block read).
    pub async fn is_current(&self) -> Result<bool, ChainError> {
        if genesis_hash().await? != self.genesis_hash {
            return Ok(false);
        }
        let Some(last) = &self.last_block_hash else {
            return Ok(false);
        };
        let number = self.next_block.saturating_sub(1);
        if number > head().await? {
            return Ok(false);
        }
        Ok(block_hash(&node()?.rpc, Some(number)).await.ok().as_ref() == Some(last))
    }
}

/// Makes `events` start from `log` (events of blocks before `log.next_block`) instead of the
/// block after the one `connect` saw: the connected chain must be `log`'s.
pub async fn resume_events(log: EventLog) -> Result<(), ChainError> {
    let genesis = genesis_hash().await?;
    if genesis != log.genesis_hash {
        return Err(backend(format!(
            "the event log is of chain {}, the node is chain {genesis}",
            log.genesis_hash
        )));
    }
    let node = node()?;
    let mut cursor = node.events.lock().map_err(backend)?;
    cursor.next_block = log.next_block;
    cursor.found = log.events;
    Ok(())
}

/// The events read so far, to keep for the next run.
pub async fn event_log() -> Result<EventLog, ChainError> {
    let genesis_hash = genesis_hash().await?;
    let node = node()?;
    let (next_block, events) = {
        let cursor = node.events.lock().map_err(backend)?;
        (cursor.next_block, cursor.found.clone())
    };
    let last_block_hash = block_hash(&node.rpc, Some(next_block.saturating_sub(1)))
        .await
        .ok();
    Ok(EventLog {
        genesis_hash,
        next_block,
        last_block_hash,
        events,
    })
}

/// Block `number` as a state reads can be pinned at (`ChainAccess::read_at`).
pub async fn block_ref(number: u32) -> Result<BlockRef, ChainError> {
    let hash = block_hash(&node()?.rpc, Some(number))
        .await
        .map_err(|_| ChainError::Pruned(format!("block {number}")))?;
    let bytes: [u8; 32] = from_hex(&hash)?
        .try_into()
        .map_err(|_| backend("a block hash that is not 32 bytes"))?;
    Ok(BlockRef(bytes))
}

/// `Timestamp::Now` in the state of `at` (the time of that block), in ms.
pub async fn time_at(at: BlockRef) -> Result<u64, ChainError> {
    let value: Option<String> = node()?
        .rpc
        .request(
            "state_getStorage",
            params(&[
                serde_json::json!(TIMESTAMP_NOW),
                serde_json::json!(hex_bytes(&at.0)),
            ])?,
        )
        .await
        .map_err(|e| past_failure(format!("the state of block {}", hex_bytes(&at.0)), e))?;
    let bytes = from_hex(&value.ok_or_else(|| backend("no Timestamp::Now"))?)?;
    u64::decode(&mut &bytes[..]).map_err(backend)
}
