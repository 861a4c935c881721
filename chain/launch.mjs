// Starts Chopsticks from the raw spec on loopback and serves JSON-RPC (HTTP and WebSocket) until
// stopped. Contracts keep their storage in child tries, which Chopsticks' genesis mode does not
// serve (`childstate_* not implemented`); genesis holds no child trie, so "empty" is the exact
// answer, and the provider here gives it.
//   node chain/launch.mjs <genesis.json> <port>
import { readFileSync } from 'node:fs';
import { GenesisProvider, setup } from '@acala-network/chopsticks-core';
import { handler } from '@acala-network/chopsticks/rpc/index';
import { createServer } from '@acala-network/chopsticks/server';

class ContractsGenesis extends GenesisProvider {
  constructor(spec) {
    super(spec);
    const send = this.send;
    this.send = async (method, params, cacheable) => {
      if (method.startsWith('childstate_')) {
        return method.startsWith('childstate_getKeys') ? [] : null;
      }
      return send(method, params, cacheable);
    };
    this.clone = () => new ContractsGenesis(spec);
  }
}

const [specPath, port = '9944'] = process.argv.slice(2);
if (!specPath) {
  console.error('usage: node chain/launch.mjs <genesis.json> [port]');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const chain = await setup({ genesis: new ContractsGenesis(spec), buildBlockMode: 'Instant' });
const server = await createServer(handler({ chain }), Number(port), '127.0.0.1');
console.log(`chain ready: ws://${server.addr} (runtime ${spec.id}, block ${chain.head.number})`);
const stop = async () => {
  await server.close();
  await chain.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
