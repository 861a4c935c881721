// What a wallet or dApp does with the suite's published release bundles, against a chain where the
// suite was deployed and the day ran (`icseth demo --url`): it loads each `<name>.contract`
// bundle into polkadot.js (@polkadot/api-contract), reads the ledger as a wallet shows it, and
// submits the holders', the board's, an oracle member's and the operator's messages the way a dApp
// does: a dry run first, then the extrinsic with the dry run's gasRequired and storageDeposit,
// and the contracts' events decoded from the included block with the bundles' metadata.
//   node tests/wallet/wallet.mjs <ws-url> <audit.json> <folder of bundles>
// Each step prints one line; the first failure prints `error: step N (...): why` and exits 1.
// tests/wallet/README.md says what each step checks.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Abi, ContractPromise } from '@polkadot/api-contract';
import { Keyring } from '@polkadot/keyring';
import { stringCamelCase, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';

const ETH = 10n ** 18n;
/** One beacon-chain epoch (icseth_core::oracle::EPOCH_MS) and one report frame of 225 epochs, a
 * day (icseth_core::hold::REPORT_FRAME_MS). */
const EPOCH_MS = 32n * 12n * 1000n;
const REPORT_FRAME_MS = 225n * EPOCH_MS;
/** How long a submitted extrinsic may take to be included. */
const INCLUSION_TIMEOUT_MS = 120_000;

/** The seven contracts of the suite, as audit.json names them (cli/src/scenario.rs). */
const SUITE = [
  'whitelist_board',
  'icseth_token',
  'icseth_accounting',
  'flash_exit_pool',
  'operator_registry',
  'slash_protection',
  'oracle_consensus',
];

/** Every message this check calls, with the argument labels it passes (as the contracts' sources
 * name them), and the events it decodes: checked against each bundle's metadata in step 1. */
const USES = {
  icseth_token: {
    messages: {
      'PSP22::balance_of': ['owner'],
      'PSP22Metadata::token_symbol': [],
      'PSP22Metadata::token_decimals': [],
      'PSP22::transfer': ['to', 'value', 'data'],
      is_whitelisted: ['account'],
    },
    events: ['Transfer'],
  },
  icseth_accounting: {
    messages: {
      deposit: [],
      min_deposit_of: ['account'],
      request_withdrawal: ['shares'],
      oracle_state_read: [],
    },
    events: ['Deposited', 'WithdrawalRequested'],
  },
  whitelist_board: {
    messages: {
      propose: ['action'],
      vote: ['id', 'approve'],
      execute: ['id'],
      proposal: ['id'],
      quorum: [],
      is_member: ['account'],
    },
    events: ['ProposalCreated', 'VoteCast', 'ProposalExecuted'],
  },
  oracle_consensus: {
    messages: {
      submit_report: ['report'],
      report_hash: ['report'],
      genesis_ms: [],
      members: [],
    },
    events: ['ReportVoted'],
  },
  operator_registry: {
    messages: {
      operator_of: ['admin'],
      operator: ['id'],
      current_frame: [],
      report_performance: ['operator', 'frame', 'figures'],
    },
    events: ['PerformanceReported'],
  },
  flash_exit_pool: { messages: {}, events: [] },
  slash_protection: { messages: {}, events: [] },
};

// ---- reporting ----------------------------------------------------------------------------------

let current = { step: '0', title: 'connecting' };

function begin(step, title) {
  current = { step, title };
}

/** The step's one line. */
function done(text) {
  console.log(`[${current.step.padStart(2)}] ${current.title}: ${text}`);
}

class CheckError extends Error {}

function fail(why) {
  throw new CheckError(why);
}

function expect(condition, why) {
  if (!condition) fail(why);
}

/** `12.345678` (six decimals, rounded down), as the CLI's report quotes amounts. */
function eth(value) {
  const v = BigInt(value);
  const sign = v < 0n ? '-' : '';
  const a = v < 0n ? -v : v;
  return `${sign}${a / ETH}.${((a % ETH) / 10n ** 12n).toString().padStart(6, '0')}`;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new CheckError(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}

// ---- arguments ----------------------------------------------------------------------------------

const usage = 'usage: node tests/wallet/wallet.mjs <ws-url> <audit.json> <folder of bundles>';
const [url, auditPath, bundles] = process.argv.slice(2);
if (!url || !auditPath || !bundles) {
  console.error(usage);
  process.exit(2);
}

let api;
try {
  await main();
  await api?.disconnect();
  process.exit(0);
} catch (error) {
  const why = error instanceof CheckError ? error.message : error?.stack ?? String(error);
  console.error(`error: step ${current.step} (${current.title}): ${why}`);
  await api?.disconnect().catch(() => {});
  process.exit(1);
}

// ---- the check ----------------------------------------------------------------------------------

async function main() {
  begin('0', 'the chain and the day\'s record');
  const audit = readJson(auditPath, 'audit.json');
  expect(Array.isArray(audit.contracts), `${auditPath} has no contracts array (is it icseth demo's audit.json?)`);
  const addresses = new Map(audit.contracts.map((c) => [c.name, c.address]));
  for (const name of SUITE) {
    expect(addresses.has(name), `${auditPath} lists no address for ${name}`);
  }
  await cryptoWaitReady();
  const provider = new WsProvider(url, 2_500, {}, 60_000);
  api = await withTimeout(
    ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true }),
    30_000,
    `connecting to ${url}`,
  ).catch((error) => {
    provider.disconnect().catch(() => {});
    fail(`cannot connect to ${url}: ${error?.message || error?.type || String(error)} (is the chain up?)`);
  });
  expect(api.tx.contracts?.call, 'the chain has no Contracts pallet');
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const dev = (uri) => keyring.addFromUri(uri);
  // The people of the day (cli/src/scenario.rs, struct Cast).
  const cast = {
    protocol: dev('//Alice'),
    memberB: dev('//Bob'),
    memberC: dev('//Charlie'),
    bankA: dev('//Dave'),
    bankB: dev('//Eve'),
    operator: dev('//One'),
    outsider: dev('//Two'),
    thirdOracle: dev('//Ferdie'),
  };
  const hexOf = (pair) => u8aToHex(pair.publicKey);
  const institutions = audit.institutions ?? [];
  expect(
    institutions[0]?.account?.toLowerCase() === hexOf(cast.bankA),
    `audit.json's institution A is ${institutions[0]?.account}, not //Dave (${hexOf(cast.bankA)})`,
  );
  expect(
    institutions[1]?.account?.toLowerCase() === hexOf(cast.bankB),
    `audit.json's institution B is ${institutions[1]?.account}, not //Eve (${hexOf(cast.bankB)})`,
  );
  const head = await api.rpc.chain.getHeader();
  done(
    `${api.runtimeVersion.specName} spec ${api.runtimeVersion.specVersion} at block ${head.number}, ` +
      `chain time ${new Date(Number(await nowMs())).toISOString()}; ${audit.contracts.length} contracts in ${auditPath}`,
  );

  // 1. Every bundle's metadata into Abi and ContractPromise, checked against the code on chain.
  begin('1', 'loading the release bundles');
  const suite = {};
  const byAddress = new Map();
  for (const name of SUITE) {
    const file = join(bundles, `${name}.contract`);
    const json = readJson(file, `${name}'s bundle`);
    expect(json.version === 5 || json.version === '5', `${file}: metadata version ${json.version}, expected 5 (ink! 5)`);
    let abi;
    try {
      abi = new Abi(json, api.registry.getChainProperties());
    } catch (error) {
      fail(`${file} does not load into Abi: ${error.message}`);
    }
    const address = addresses.get(name);
    const info = await api.query.contracts.contractInfoOf(address);
    expect(info.isSome, `no contract at ${name}'s address ${address} on this chain`);
    const onChain = info.unwrap().codeHash.toHex();
    expect(
      onChain === json.source?.hash,
      `${name} at ${address} runs code ${onChain}, the bundle's is ${json.source?.hash}: not this release`,
    );
    checkUses(name, abi);
    const contract = new ContractPromise(api, abi, address);
    suite[name] = { name, abi, contract, address };
    byAddress.set(contract.address.toHex(), suite[name]);
  }
  done(
    `7 bundles (metadata version 5) load into Abi; each code hash is the one deployed at its address; ` +
      `the ${Object.values(USES).reduce((n, u) => n + Object.keys(u.messages).length, 0)} messages and ` +
      `${Object.values(USES).reduce((n, u) => n + u.events.length, 0)} events used here exist with the arguments passed`,
  );

  const ledger = suite.icseth_token;
  const accounting = suite.icseth_accounting;
  const board = suite.whitelist_board;
  const oracle = suite.oracle_consensus;
  const registry = suite.operator_registry;
  const ctx = { suite, byAddress };
  const balanceOf = async (who) =>
    (await read(ledger, 'PSP22::balance_of', cast.outsider, [who.address])).toBigInt();

  // 2. What a wallet shows: the holder's balance, the symbol and the decimals.
  begin('2', 'reading the ledger (PSP22)');
  const daveShares = await balanceOf(cast.bankA);
  const symbol = await read(ledger, 'PSP22Metadata::token_symbol', cast.bankA, []);
  const decimals = (await read(ledger, 'PSP22Metadata::token_decimals', cast.bankA, [])).toNumber();
  expect(symbol.isSome && symbol.unwrap().toString() === 'icsETH', `token_symbol answered ${symbol.toString()}`);
  expect(decimals === 18, `token_decimals answered ${decimals}`);
  const recorded = BigInt(institutions[0].shares);
  done(
    `Dave holds ${eth(daveShares)} ${symbol.unwrap()} (${decimals} decimals)` +
      (recorded === daveShares
        ? ', as audit.json recorded'
        : `; audit.json recorded ${eth(recorded)} (the chain moved on since, an earlier run of this check)`),
  );

  // 3. A deposit with value, from a whitelisted institution.
  begin('3', 'Dave deposits through the accounting');
  const minDeposit = unwrapOk(await read(accounting, 'min_deposit_of', cast.bankA, [cast.bankA.address]), 'min_deposit_of');
  const amount = minDeposit.toBigInt();
  expect(amount > 0n, 'min_deposit_of(Dave) answered 0');
  const deposit = await call(ctx, accounting, 'deposit', cast.bankA, [], amount);
  const minted = unwrapOk(deposit.dry.value, 'deposit (dry run)').toBigInt();
  const deposited = single(deposit.events, 'icseth_accounting', 'Deposited');
  expect(deposited.args.institution.eq(cast.bankA.address), 'Deposited names another institution');
  expect(deposited.args.assets.toBigInt() === amount, `Deposited says ${deposited.args.assets} assets, sent ${amount}`);
  const mint = single(deposit.events, 'icseth_token', 'Transfer');
  expect(mint.args.from.isNone && isAccount(mint.args.to, cast.bankA), `the ledger's Transfer is not a mint to Dave: ${show(mint.args)}`);
  const afterDeposit = await balanceOf(cast.bankA);
  expect(
    afterDeposit === daveShares + mint.args.value.toBigInt(),
    `Dave's balance went ${eth(daveShares)} -> ${eth(afterDeposit)}, the mint was ${eth(mint.args.value)}`,
  );
  done(
    `${eth(amount)} ETH in (the minimum deposit), ${eth(deposited.args.shares)} icsETH minted (dry run said ` +
      `${eth(minted)}); Deposited and the ledger's Transfer (mint) decoded; ${fmtCost(deposit)}`,
  );

  // 4. PSP22::transfer to a whitelisted institution, its Transfer event decoded.
  begin('4', 'Dave transfers 1 icsETH to Eve (PSP22::transfer)');
  if (!(await read(ledger, 'is_whitelisted', cast.outsider, [cast.bankB.address])).isTrue) {
    // The day's last steps remove institution B and freeze her (confirmed by the board): board
    // decisions re-admit her and lift the freeze first.
    begin('4a', 'Eve may not receive (the day removed institution B and froze her): the board re-admits her');
    const notes = [];
    const record = await read(accounting, 'institution', cast.outsider, [cast.bankB.address]);
    if (!(record.isSome && field(record.unwrap(), 'active').isTrue)) {
      // Her KYC runs a year from the chain's time (at most 400 days ahead when the decision runs).
      const kycValidUntil = (await nowMs()) + 365n * 24n * 3600n * 1000n;
      notes.push(await decide(ctx, cast, {
        Token: {
          AddInstitution: {
            institution: cast.bankB.address,
            min_deposit: null,
            kyc_valid_until: kycValidUntil.toString(),
          },
        },
      }));
    }
    if ((await read(accounting, 'is_frozen', cast.outsider, [cast.bankB.address])).isTrue) {
      notes.push(await decide(ctx, cast, { Token: { LiftFreeze: { account: cast.bankB.address } } }));
    }
    expect(
      (await read(ledger, 'is_whitelisted', cast.outsider, [cast.bankB.address])).isTrue,
      'the executed proposals left Eve unable to receive',
    );
    done(notes.join('; '));
    begin('4', 'Dave transfers 1 icsETH to Eve (PSP22::transfer)');
  }
  const eveBefore = await balanceOf(cast.bankB);
  const daveBefore = await balanceOf(cast.bankA);
  const transfer = await call(ctx, ledger, 'PSP22::transfer', cast.bankA, [cast.bankB.address, ETH, '0x']);
  unwrapOk(transfer.dry.value, 'PSP22::transfer (dry run)');
  const moved = single(transfer.events, 'icseth_token', 'Transfer');
  expect(
    isAccount(moved.args.from, cast.bankA) &&
      isAccount(moved.args.to, cast.bankB) &&
      moved.args.value.toBigInt() === ETH,
    `Transfer decoded as ${show(moved.args)}`,
  );
  const [daveAfter, eveAfter] = [await balanceOf(cast.bankA), await balanceOf(cast.bankB)];
  expect(daveAfter === daveBefore - ETH && eveAfter === eveBefore + ETH, 'the balances did not move by 1 icsETH');
  done(`Transfer { from: Dave, to: Eve, value: ${eth(moved.args.value)} } decoded from the block; ${fmtCost(transfer)}`);

  // 5. A transfer to an account that is not whitelisted: the dry run's error, then the revert.
  begin('5', 'Dave transfers 1 icsETH to Two (not whitelisted)');
  const twoBefore = await balanceOf(cast.outsider);
  const daveBefore5 = await balanceOf(cast.bankA);
  const refused = await dryRun(ledger, 'PSP22::transfer', cast.bankA, [cast.outsider.address, ETH, '0x']);
  expect(refused.value.isErr, 'the dry run of a transfer to Two answered Ok');
  const error = refused.value.asErr;
  expect(
    error.type === 'Custom' && error.value.toString() === 'ReceiverNotWhitelisted',
    `the dry run answered Err(${show(error)}), expected Custom("ReceiverNotWhitelisted")`,
  );
  expect(refused.reverted, 'the dry run\'s Err did not carry the revert flag');
  const submitted = await send(ctx, ledger, 'PSP22::transfer', cast.bankA, [cast.outsider.address, ETH, '0x'], 0n, refused);
  expect(submitted.failure, 'the submitted transfer to Two succeeded');
  expect(
    submitted.failure === 'contracts.ContractReverted',
    `the submitted transfer failed with ${submitted.failure}, expected contracts.ContractReverted`,
  );
  expect(submitted.events.length === 0, 'the reverted transfer emitted contract events');
  const [twoAfter, daveAfter5] = [await balanceOf(cast.outsider), await balanceOf(cast.bankA)];
  expect(twoAfter === twoBefore && daveAfter5 === daveBefore5, 'the reverted transfer changed a balance');
  done(
    `dry run: Err(Custom("ReceiverNotWhitelisted")), revert flag set; submitted anyway: ExtrinsicFailed ` +
      `(contracts.ContractReverted), no event, Dave ${eth(daveAfter5)} and Two ${eth(twoAfter)} unchanged`,
  );

  // 6. A withdrawal request through the queue.
  begin('6', 'Dave requests a withdrawal of 1 icsETH');
  const daveBefore6 = await balanceOf(cast.bankA);
  const request = await call(ctx, accounting, 'request_withdrawal', cast.bankA, [ETH]);
  const ticket = unwrapOk(request.dry.value, 'request_withdrawal (dry run)');
  const requested = single(request.events, 'icseth_accounting', 'WithdrawalRequested');
  expect(
    requested.args.owner.eq(cast.bankA.address) && requested.args.shares.toBigInt() === ETH,
    `WithdrawalRequested decoded as ${show(requested.args)}`,
  );
  const lock = single(request.events, 'icseth_token', 'Transfer');
  expect(
    isAccount(lock.args.from, cast.bankA) && isAccount(lock.args.to, ledger),
    `the ledger's Transfer is not Dave -> the queue: ${show(lock.args)}`,
  );
  expect((await balanceOf(cast.bankA)) === daveBefore6 - ETH, 'Dave\'s balance did not drop by 1 icsETH');
  done(
    `ticket ${requested.args.ticket} (dry run said ${ticket}) worth ${eth(requested.args.assets)} ETH; ` +
      `WithdrawalRequested and Transfer (Dave -> the queue) decoded; ${fmtCost(request)}`,
  );

  // 7. A board vote: Alice proposes a harmless action, Bob votes for it.
  begin('7', 'a board vote');
  const quorum = (await read(board, 'quorum', cast.protocol, [])).toNumber();
  const action = { SetQuorum: { quorum } };
  const proposed = await call(ctx, board, 'propose', cast.protocol, [action]);
  const created = single(proposed.events, 'whitelist_board', 'ProposalCreated');
  const id = created.args.id.toBigInt();
  expect(id === unwrapOk(proposed.dry.value, 'propose (dry run)').toBigInt(), 'ProposalCreated names another id than the dry run');
  const voted = await call(ctx, board, 'vote', cast.memberB, [id, true]);
  unwrapOk(voted.dry.value, 'vote (dry run)');
  const voteCast = single(voted.events, 'whitelist_board', 'VoteCast');
  expect(
    voteCast.args.id.toBigInt() === id && voteCast.args.member.eq(cast.memberB.address) && voteCast.args.approve.isTrue,
    `VoteCast decoded as ${show(voteCast.args)}`,
  );
  done(
    `Alice proposed ${JSON.stringify(created.args.action.toPrimitive())} (id ${id}, never executed: it keeps the ` +
      `quorum at ${quorum}); Bob's VoteCast { id: ${id}, member: Bob, approve: true } decoded; ${fmtCost(voted)}`,
  );

  // 8. An oracle member's report vote for the current frame.
  begin('8', 'Bob votes for the oracle report of the current frame');
  const members = await read(oracle, 'members', cast.memberB, []);
  expect(members.some((m) => m.eq(cast.memberB.address)), 'Bob is not an oracle member');
  const state = unwrapOk(await read(accounting, 'oracle_state_read', cast.memberB, []), 'oracle_state_read');
  const last = state.get('last');
  const lastEpoch = field(last, 'epoch').toBigInt();
  const recordedEpoch = BigInt(audit.oracle?.last_epoch ?? -1);
  const genesis = (await read(oracle, 'genesis_ms', cast.memberB, [])).toBigInt();
  const now = await nowMs();
  const ref = now - ((now - genesis) % REPORT_FRAME_MS);
  // The last applied report's figures for the frame now: no loss and no gain to show, so the vote
  // starts no hold of deposits (icseth_core::oracle::loss_shown).
  const report = {
    epoch: (ref - genesis) / EPOCH_MS,
    ref_time_ms: ref,
    cl_balance: field(last, 'cl_balance').toBigInt(),
    validators: field(last, 'validators').toNumber(),
    el_rewards_total: field(last, 'el_rewards_total').toBigInt(),
    withdrawn_total: field(last, 'withdrawn_total').toBigInt(),
    slashed_operator: null,
    exited_validators: field(last, 'exited_validators').toNumber(),
  };
  const oracleDry = await dryRun(oracle, 'submit_report', cast.memberB, [report]);
  const line8 =
    `last applied epoch ${lastEpoch} (audit.json: ${recordedEpoch}); report for epoch ${report.epoch} at ` +
    `${new Date(Number(ref)).toISOString()} with the last figures`;
  if (oracleDry.value.isErr) {
    // Two answers are the chain's state, not a fault: a rerun in the same frame finds Bob's vote of
    // the earlier run, and a chain whose clock has not left the last report's frame has nothing
    // to vote on until the next frame.
    const why = oracleDry.value.asErr;
    const lastRef = field(last, 'ref_time_ms').toBigInt();
    const known =
      why.type === 'AlreadyVoted'
        ? 'an earlier run voted in this frame'
        : why.type === 'Report' && ['StaleReference', 'StaleEpoch'].includes(why.value.type) && ref <= lastRef
          ? 'this frame\'s report is applied already; members vote again next frame'
          : null;
    expect(known, `${line8}: the dry run answered Err(${show(why)})`);
    done(`${line8}: dry run Err(${show(why)}) (${known}), not submitted`);
  } else {
    const outcome = oracleDry.value.asOk;
    const vote = await send(ctx, oracle, 'submit_report', cast.memberB, [report], 0n, oracleDry);
    expect(!vote.failure, `the submitted vote failed with ${vote.failure}`);
    const hash = await read(oracle, 'report_hash', cast.memberB, [report]);
    const reportVoted = single(vote.events, 'oracle_consensus', 'ReportVoted');
    expect(
      reportVoted.args.member.eq(cast.memberB.address) &&
        reportVoted.args.refTimeMs.toBigInt() === ref &&
        reportVoted.args.reportHash.eq(hash),
      `ReportVoted decoded as ${show(reportVoted.args)}`,
    );
    done(
      `${line8}: dry run Ok(${JSON.stringify(outcome.toPrimitive())}); submitted, ReportVoted { votes: ` +
        `${reportVoted.args.votes}, report_hash: ${hash.toHex().slice(0, 10)}.. } decoded; ${fmtCost(vote)}`,
    );
  }

  // 9. The operator's report of its last finished frame.
  begin('9', 'One reports its operator\'s last finished frame');
  const operatorId = await read(registry, 'operator_of', cast.operator, [cast.operator.address]);
  expect(operatorId.isSome, '//One administers no operator in this registry');
  const opId = operatorId.unwrap().toNumber();
  const record = await read(registry, 'operator', cast.operator, [opId]);
  expect(record.isSome, `operator ${opId} has no record`);
  const lastReported = record.unwrap().get('lastReportedFrame');
  const frame = (await read(registry, 'current_frame', cast.operator, [])).toNumber() - 1;
  const figures = {
    effectiveness_bps: 9_900,
    proposed: 2,
    missed: 0,
    consensus_rewards: 4n * ETH / 100n,
    mev_rewards: ETH / 100n,
    // the operator's validators exited ever, as the registry recorded them
    exited: field(field(record.unwrap(), 'counts'), 'exited').toNumber(),
  };
  const frameDry = await dryRun(registry, 'report_performance', cast.operator, [opId, frame, figures]);
  const line9 =
    `operator ${opId} (${record.unwrap().get('name')}), last reported frame ` +
    `${lastReported.isSome ? lastReported.unwrap() : 'none'}, frame ${frame}`;
  if (frameDry.value.isErr) {
    const why = frameDry.value.asErr;
    expect(why.type === 'FrameAlreadyReported', `${line9}: the dry run answered Err(${show(why)})`);
    done(`${line9}: dry run Err(FrameAlreadyReported) (the frame is reported already, by the day or an earlier run), not submitted`);
  } else {
    const reported = await send(ctx, registry, 'report_performance', cast.operator, [opId, frame, figures], 0n, frameDry);
    expect(!reported.failure, `the submitted report failed with ${reported.failure}`);
    const event = single(reported.events, 'operator_registry', 'PerformanceReported');
    expect(
      event.args.operator.toNumber() === opId &&
        event.args.frame.toNumber() === frame &&
        field(event.args.figures, 'effectiveness_bps').toNumber() === figures.effectiveness_bps,
      `PerformanceReported decoded as ${show(event.args)}`,
    );
    done(`${line9}: dry run Ok; submitted, PerformanceReported { figures: ${show(event.args.figures)} } decoded; ${fmtCost(reported)}`);
  }
}

// ---- the board ----------------------------------------------------------------------------------

/** Passes `action` as the day does (cli/src/scenario.rs, `decide`): Alice proposes, Alice and Bob
 * approve, the dev chain's clock moves past the voting period and the execution delay
 * (Chopsticks' dev_timeTravel), and Two executes. Returns a line saying what happened. */
async function decide(ctx, cast, action) {
  const board = ctx.suite.whitelist_board;
  const proposed = await call(ctx, board, 'propose', cast.protocol, [action]);
  const id = single(proposed.events, 'whitelist_board', 'ProposalCreated').args.id.toBigInt();
  for (const member of [cast.protocol, cast.memberB]) {
    const vote = await call(ctx, board, 'vote', member, [id, true]);
    unwrapOk(vote.dry.value, 'vote (dry run)');
    single(vote.events, 'whitelist_board', 'VoteCast');
  }
  const view = await read(board, 'proposal', cast.outsider, [id]);
  expect(view.isSome, `proposal ${id} is not on record`);
  const from = field(view.unwrap().get('proposal'), 'executable_from').toBigInt();
  const target = from + 1_000n;
  await moveClockTo(target, cast, `proposal ${id}'s execution delay`);
  const now = await nowMs();
  expect(now >= from, `dev_timeTravel left the clock at ${now}, before ${from} (a chain without Chopsticks' dev RPC?)`);
  const executed = await call(ctx, board, 'execute', cast.outsider, [id]);
  unwrapOk(executed.dry.value, 'execute (dry run)');
  single(executed.events, 'whitelist_board', 'ProposalExecuted');
  const names = executed.events.map((e) => `${e.contract}::${e.name}`).join(', ');
  return `proposal ${id} by Alice, approved by Alice and Bob, clock moved to ${new Date(Number(target)).toISOString()}, executed by Two (${names})`;
}

// ---- calls --------------------------------------------------------------------------------------

/** A dry run as a dApp makes it (`contract.query`): the message's decoded answer (inside ink!'s
 * MessageResult), whether the contract reverted, and the weights a submission needs. */
async function dryRun(target, label, caller, args, value = 0n) {
  const message = target.abi.findMessage(label);
  checkArgs(target, message, args);
  const maxBlock = api.consts.system.blockWeights.maxBlock;
  const gasLimit = api.registry.createType('WeightV2', { refTime: maxBlock.refTime, proofSize: maxBlock.proofSize });
  const query = target.contract.query[message.method];
  expect(query, `${target.name} has no query for ${label}`);
  const answer = await query(caller.address, { gasLimit, storageDepositLimit: null, value }, ...args);
  if (answer.result.isErr) {
    fail(`${target.name}::${label} trapped in the dry run: ${dispatchError(answer.result.asErr)}${debug(answer)}`);
  }
  expect(answer.output, `${target.name}::${label} answered nothing to decode`);
  if (answer.output.isErr) fail(`${target.name}::${label} answered the LangError ${show(answer.output.asErr)}`);
  return {
    value: answer.output.asOk,
    reverted: revertFlag(answer.result.asOk.flags),
    gasRequired: answer.gasRequired,
    storageDeposit: answer.storageDeposit,
  };
}

/** A read: the dry run's answer. */
async function read(target, label, caller, args) {
  return (await dryRun(target, label, caller, args)).value;
}

/** Dry run, then the extrinsic with the dry run's weights, which must succeed; the contracts'
 * events decoded from the block. A dry run whose answer is an Err stops here. */
async function call(ctx, target, label, signer, args, value = 0n) {
  const dry = await dryRun(target, label, signer, args, value);
  if (dry.value.isErr) {
    fail(`${target.name}::${label}: the dry run answered Err(${show(dry.value.asErr)})`);
  }
  const result = await send(ctx, target, label, signer, args, value, dry);
  expect(!result.failure, `${target.name}::${label}: the extrinsic failed with ${result.failure}`);
  return { ...result, dry };
}

/** Submits `label` with the weights of `dry` (gasRequired, and the storage deposit it charged as the
 * limit; no limit when it refunds, as polkadot.js apps and contracts-ui do) and waits for the
 * block; answers the dispatch error (`section.name`) if it failed, and the suite's events of the
 * extrinsic, decoded with each emitter's bundle. */
async function send(ctx, target, label, signer, args, value, dry) {
  const message = target.abi.findMessage(label);
  const storageDepositLimit = dry.storageDeposit.isCharge ? dry.storageDeposit.asCharge : null;
  const tx = target.contract.tx[message.method]({ gasLimit: dry.gasRequired, storageDepositLimit, value }, ...args);
  const result = await included(tx, signer, `${target.name}::${label}`);
  const failed = result.events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
  let failure = null;
  if (result.dispatchError || failed) {
    failure = dispatchError(result.dispatchError ?? failed.event.data[0]);
  } else {
    expect(
      result.events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)),
      `${target.name}::${label}: no ExtrinsicSuccess in the block`,
    );
  }
  return { failure, events: decodeEvents(ctx, result), gasRequired: dry.gasRequired, storageDepositLimit };
}

function included(tx, signer, what) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (unsubscribe) unsubscribe();
      outcome();
    };
    const timer = setTimeout(
      () => finish(() => reject(new CheckError(`${what}: not included within ${INCLUSION_TIMEOUT_MS / 1000} s`))),
      INCLUSION_TIMEOUT_MS,
    );
    tx.signAndSend(signer, (result) => {
      const { status } = result;
      if (status.isInBlock || status.isFinalized) {
        finish(() => resolve(result));
      } else if (status.isInvalid || status.isDropped || status.isUsurped || status.isFinalityTimeout) {
        finish(() => reject(new CheckError(`${what}: the extrinsic was ${status.type}`)));
      }
    })
      .then((unsub) => {
        unsubscribe = unsub;
        if (settled) unsub();
      })
      .catch((error) => finish(() => reject(new CheckError(`${what}: the chain refused the extrinsic: ${error.message}`))));
  });
}

/** The ContractEmitted events of a result, each decoded with its emitter's Abi (ink! 5 events are
 * found by their signature topic, the record's first topic). */
function decodeEvents(ctx, result) {
  return result.events
    .filter(({ event }) => api.events.contracts.ContractEmitted.is(event))
    .map((record) => {
      const emitter = record.event.data[0];
      const entry = ctx.byAddress.get(emitter.toHex());
      expect(entry, `an event from ${emitter.toString()}, not a contract of the suite`);
      let decoded;
      try {
        decoded = entry.abi.decodeEvent(record);
      } catch (error) {
        fail(`an event of ${entry.name} does not decode with its bundle: ${error.message}`);
      }
      const args = Object.fromEntries(decoded.event.args.map((arg, i) => [arg.name, decoded.args[i]]));
      return { contract: entry.name, name: decoded.event.identifier.split('::').pop(), args };
    });
}

/** The one `name` event of `contract` among `events`. */
function single(events, contract, name) {
  const found = events.filter((e) => e.contract === contract && e.name === name);
  expect(
    found.length === 1,
    `expected one ${contract}::${name} event, found ${found.length} among ` +
      `[${events.map((e) => `${e.contract}::${e.name}`).join(', ')}]`,
  );
  return found[0];
}

// ---- metadata -----------------------------------------------------------------------------------

/** The messages and events this check uses exist in `name`'s metadata, with the argument labels it
 * passes, payable where it sends value. */
function checkUses(name, abi) {
  const uses = USES[name];
  for (const [label, args] of Object.entries(uses.messages)) {
    let message;
    try {
      message = abi.findMessage(label);
    } catch {
      fail(`${name}'s metadata has no message ${label}`);
    }
    expect(message.identifier === label, `${name}: ${label} resolved to ${message.identifier}`);
    const found = message.args.map((a) => a.name);
    const wanted = args.map((a) => stringCamelCase(a));
    expect(
      found.join(',') === wanted.join(','),
      `${name}::${label} takes (${found.join(', ')}) in the metadata, this check passes (${wanted.join(', ')})`,
    );
  }
  expect(!('deposit' in uses.messages) || abi.findMessage('deposit').isPayable, `${name}::deposit is not payable`);
  const events = abi.events.map((e) => e.identifier.split('::').pop());
  for (const event of uses.events) {
    expect(events.filter((e) => e === event).length === 1, `${name}'s metadata has ${events.filter((e) => e === event).length} events named ${event}`);
  }
}

/** Each argument encodes as given: every field and variant named here is one the metadata's type
 * has (polkadot.js fills a field it does not find with zero, and drops one the type lacks). */
function checkArgs(target, message, args) {
  expect(
    args.length === message.args.length,
    `${target.name}::${message.identifier} takes ${message.args.length} arguments, ${args.length} given`,
  );
  message.args.forEach(({ name, type }, i) => {
    let encoded;
    try {
      encoded = target.abi.registry.createType(type.lookupName || type.type, args[i]);
    } catch (error) {
      fail(`${target.name}::${message.identifier}: argument ${name} does not encode: ${error.message}`);
    }
    // Bytes read back as text when they are ASCII: compare a hex argument with the raw bytes.
    const mismatch =
      typeof args[i] === 'string' && args[i].startsWith('0x')
        ? encoded.toHex() === args[i] ? null : `${name} is ${encoded.toHex()}, not ${args[i]}`
        : compare(args[i], encoded.toPrimitive(), name);
    expect(
      !mismatch,
      `${target.name}::${message.identifier}: argument ${name} encodes as ${JSON.stringify(encoded.toPrimitive())}: ${mismatch}`,
    );
  });
}

/** Where `given` (what this check passes) and `encoded` (its encoding read back) differ, or null. */
function compare(given, encoded, path) {
  if (given === null || given === undefined) {
    return encoded === null ? null : `${path} is ${JSON.stringify(encoded)}, not None`;
  }
  if (typeof given === 'bigint' || typeof given === 'number') {
    return BigInt(encoded) === BigInt(given) ? null : `${path} is ${encoded}, not ${given}`;
  }
  if (typeof given === 'boolean' || typeof given === 'string') {
    return String(encoded) === String(given) || sameAccount(given, encoded) ? null : `${path} is ${encoded}, not ${given}`;
  }
  if (typeof given === 'object' && !Array.isArray(given)) {
    if (typeof encoded !== 'object' || encoded === null) return `${path} is ${JSON.stringify(encoded)}`;
    const norm = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [stringCamelCase(k), v]));
    const [g, e] = [norm(given), norm(encoded)];
    for (const key of Object.keys(g)) {
      if (!(key in e)) return `${path}.${key} is not in the metadata's type (it has ${Object.keys(e).join(', ')})`;
      const inner = compare(g[key], e[key], `${path}.${key}`);
      if (inner) return inner;
    }
    for (const key of Object.keys(e)) {
      if (!(key in g)) return `${path}.${key} is in the metadata's type and not given (it would be zero)`;
    }
    return null;
  }
  return `${path}: cannot compare ${JSON.stringify(given)}`;
}

// ---- small things -------------------------------------------------------------------------------

/** Whether an event's `Option<AccountId>` is Some(`who`), a key pair or a contract of the suite. */
function isAccount(option, who) {
  return option.isSome && option.unwrap().eq(who.address);
}

/** Whether two addresses are one account (the metadata's registry may print another SS58 prefix). */
function sameAccount(a, b) {
  try {
    return u8aToHex(decodeAddress(a)) === u8aToHex(decodeAddress(String(b)));
  } catch {
    return false;
  }
}

/** A struct's field by its Rust name (polkadot.js keys fields in camelCase). */
function field(struct, name) {
  const value = struct.get(stringCamelCase(name)) ?? struct.get(name);
  expect(value !== undefined, `no field ${name} in ${struct.toRawType?.() ?? 'the struct'}`);
  return value;
}

/** The Ok of a message's Result answer. */
function unwrapOk(result, what) {
  expect(result.isOk !== undefined, `${what} does not answer a Result`);
  if (result.isErr) fail(`${what} answered Err(${show(result.asErr)})`);
  return result.asOk;
}

function revertFlag(flags) {
  if (typeof flags.isRevert === 'boolean') return flags.isRevert;
  return (flags.toU8a()[0] & 1) === 1;
}

function dispatchError(error) {
  if (error.isModule) {
    const { section, name } = api.registry.findMetaError(error.asModule);
    return `${section}.${name}`;
  }
  return error.toString();
}

function debug(answer) {
  const text = answer.debugMessage?.toString?.() ?? '';
  return text ? ` (debug: ${text.trim()})` : '';
}

function show(value) {
  if (value && typeof value.toPrimitive === 'function') return JSON.stringify(value.toPrimitive());
  if (value && typeof value === 'object') {
    return JSON.stringify(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v?.toPrimitive ? v.toPrimitive() : v])));
  }
  return String(value);
}

function fmtCost(sent) {
  const w = sent.gasRequired;
  return `weights from the dry run: ref_time ${w.refTime.toString()}, proof_size ${w.proofSize.toString()}, storage deposit limit ${sent.storageDepositLimit === null ? 'none (a refund)' : sent.storageDepositLimit.toString()}`;
}

/** Moves the chain's time to `target` (ms): Chopsticks' `dev_timeTravel`, or, on a full node
 * whose wall clock the offset file in ICSETH_CLOCK_OFFSET_FILE moves (scripts/node.sh), the offset
 * raised and a remark whose block carries the new time. */
async function moveClockTo(target, cast, what) {
  const offsetFile = process.env.ICSETH_CLOCK_OFFSET_FILE;
  if (!offsetFile) {
    try {
      await api.rpc('dev_timeTravel', Number(target));
    } catch (error) {
      fail(`moving the clock past ${what} needs Chopsticks' dev_timeTravel (or ICSETH_CLOCK_OFFSET_FILE on a full node): ${error.message}`);
    }
    return;
  }
  const now = await nowMs();
  if (target > now) {
    const offset = BigInt(readFileSync(offsetFile, 'utf8').trim());
    writeFileSync(offsetFile, `${offset + (target - now)}\n`);
    // the node re-reads its offset at most every 50 ms
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await included(api.tx.system.remark('0x00'), cast.protocol, 'the remark that carries the new time');
}

async function nowMs() {
  return (await api.query.timestamp.now()).toBigInt();
}

function readJson(path, what) {
  if (!existsSync(path)) fail(`${what}: ${path} does not exist`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(`${what}: ${path} is not JSON: ${error.message}`);
  }
}
