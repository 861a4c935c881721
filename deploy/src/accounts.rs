//! Dev accounts as `AccountId`s.
use ink::primitives::AccountId;
use ink_e2e::Keypair;

/// The `AccountId` of a keypair.
pub fn account_of(keypair: &Keypair) -> AccountId {
    AccountId::from(keypair.public_key().0)
}

/// `0x` and the 32 bytes of an account in hex, as block explorers print them.
pub fn hex(account: &AccountId) -> String {
    let bytes: &[u8; 32] = account.as_ref();
    hex_bytes(bytes)
}

/// `0x` and `bytes` in lower-case hex, as JSON-RPC takes and answers them.
pub fn hex_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("0x");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
