// Checks a started chain the way a wallet's client sees it (polkadot.js): the contracts-node
// runtime, the Contracts pallet, Alice funded by the genesis, and time moved by dev_timeTravel.
//   node chain/smoke.mjs <ws url>
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
const fail = (what) => {
  console.error(`error: ${what}`);
  process.exit(1);
};
const version = api.runtimeVersion;
if (version.specName.toString() !== 'substrate-contracts-node') fail(`runtime ${version.specName}`);
if (!api.tx.contracts?.instantiateWithCode) fail('no Contracts pallet in the metadata');
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice').address;
const { data } = await api.query.system.account(alice);
if (data.free.toBigInt() !== 10n ** 27n) fail(`Alice holds ${data.free.toString()}, expected 1e27`);
const before = (await api.query.timestamp.now()).toBigInt();
const target = Number(before) + 2 * 24 * 60 * 60 * 1000;
await api.rpc('dev_timeTravel', target);
const after = (await api.query.timestamp.now()).toBigInt();
if (after !== BigInt(target)) fail(`dev_timeTravel left the clock at ${after}, expected ${target}`);
console.log(
  `chain ok: ${version.specName} spec ${version.specVersion}, Contracts pallet present, Alice holds 1e27, ` +
    `time travelled ${before} -> ${after}`,
);
await api.disconnect();
process.exit(0);
