// Writes the raw chain spec Chopsticks starts from, using only the runtime's Wasm: the runtime's
// own GenesisBuilder makes its default genesis config, which gets large dev balances (the embedded
// chain's accounts, 1e9 ETH each at 18 decimals) and Alice as sudo, then builds the genesis
// storage from it; `:code` is the Wasm itself.
//   node chain/genesis.mjs <runtime.wasm> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { runTask } from '@acala-network/chopsticks-core';
import { Keyring } from '@polkadot/keyring';
import { compactAddLength, compactStripLength, hexToU8a, stringToU8a, u8aToHex, u8aToString } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const [wasmPath, outPath] = process.argv.slice(2);
if (!wasmPath || !outPath) {
  console.error('usage: node chain/genesis.mjs <runtime.wasm> <out.json>');
  process.exit(2);
}
const wasm = u8aToHex(readFileSync(wasmPath));
const DEV_BALANCE = '1000000000000000000000000000'; // 1e27: 1e9 ETH at 18 decimals
const DEV_ACCOUNTS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie', '//One', '//Two'];

// Genesis has no state to read: the builder only writes.
const emptyState = {
  getStorage: async () => undefined,
  getNextKey: async () => undefined,
  offchainGetStorage: async () => undefined,
  offchainTimestamp: async () => 0,
  offchainRandomSeed: async () => '0x' + '00'.repeat(32),
  offchainSubmitTransaction: async () => false,
};

async function call(method, args) {
  const response = await runTask(
    { wasm, calls: [[method, args]], mockSignatureHost: false, allowUnresolvedImports: false, runtimeLogLevel: 0 },
    emptyState,
  );
  if ('Call' in response) return response.Call;
  throw new Error(`${method}: ${response.Error ?? JSON.stringify(response)}`);
}

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const dev = DEV_ACCOUNTS.map((uri) => keyring.addFromUri(uri).address);

const defaults = await call('GenesisBuilder_create_default_config', []);
const config = JSON.parse(u8aToString(compactStripLength(hexToU8a(defaults.result))[1]));
// u128 balances as JSON number text: a JavaScript number would lose them.
config.balances = { ...(config.balances ?? {}), balances: dev.map((a) => [a, `__BALANCE__`]) };
if (config.sudo) config.sudo.key = dev[0];
const configText = JSON.stringify(config).replaceAll('"__BALANCE__"', DEV_BALANCE);

const built = await call('GenesisBuilder_build_config', [u8aToHex(compactAddLength(stringToU8a(configText)))]);
if (built.result !== '0x00') {
  throw new Error(`GenesisBuilder_build_config refused the config: ${built.result}`);
}
const top = {};
for (const [key, value] of built.storageDiff) {
  if (value !== null) top[key] = value;
}
top['0x3a636f6465'] = wasm; // ':code'
const spec = {
  id: 'dev',
  name: 'Development',
  properties: { ss58Format: 42, tokenDecimals: 18, tokenSymbol: 'ETH' },
  genesis: { raw: { top } },
};
writeFileSync(outPath, JSON.stringify(spec));
console.log(`genesis: ${Object.keys(top).length} storage entries, ${dev.length} dev accounts funded -> ${outPath}`);
process.exit(0);
