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
use std::sync::OnceLock;

/// ink_e2e's client of a node, the suite's chain over RPC.
pub type NodeClient = ink_e2e::Client<PolkadotConfig, Env>;

/// The storage key of `Timestamp::Now` (twox128("Timestamp") ++ twox128("Now")).
const TIMESTAMP_NOW: &str = "0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb";

/// What `ChainAccess` needs beside the client: the RPC handle, a typed client for blocks and
/// events, and the block the process first saw (events are read from the next one on).
struct NodeRpc {
    url: String,
    rpc: RpcClient,
    api: OnlineClient<PolkadotConfig>,
    first_block: u32,
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
        first_block: number,
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

impl ChainAccess for NodeClient {
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

    async fn advance_ms(&mut self, ms: u64) -> Result<(), ChainError> {
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
        let mut found = Vec::new();
        for number in node.first_block.saturating_add(1)..=last {
            let hash = from_hex(&block_hash(&node.rpc, Some(number)).await?)?;
            let hash = ink_e2e::H256::from_slice(&hash);
            let events = node
                .api
                .blocks()
                .at(hash)
                .await
                .map_err(backend)?
                .events()
                .await
                .map_err(backend)?;
            for event in events.iter() {
                let event = event.map_err(backend)?;
                if let Some(emitted) = event
                    .as_event::<ink_e2e::events::ContractEmitted<Env>>()
                    .map_err(backend)?
                {
                    found.push(ContractEvent {
                        contract: *emitted.contract.as_ref(),
                        topics: event.topics().iter().map(|t| t.0).collect(),
                        data: emitted.data,
                    });
                }
            }
        }
        Ok(found)
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
