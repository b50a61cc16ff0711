// An NKeys peer built on nkeys.js, driven by the .NET tests over stdin/stdout (JSON). Seeds travel on stdin only.
// Requests: {"op":"verify","items":[{"public","data_b64","sig_b64"}...]} -> {"results":[true|false...]}
//           {"op":"sign","items":[{"seed","data_b64"}...]}              -> {"results":[{"public","sig_b64"}...]}
//           {"op":"create","role":"user"|"account"|"operator"|"server"|"cluster","count":N} -> {"results":[{"seed","public"}...]}
import { fromSeed, fromPublic, createUser, createAccount, createOperator, createServer, createCluster } from 'nkeys.js';
import { readRequest, writeAnswer } from './peer-io.mjs';

const input = await readRequest();

const enc = new TextEncoder();
const dec = new TextDecoder();
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
const creators = { user: createUser, account: createAccount, operator: createOperator, server: createServer, cluster: createCluster };

let results;
if (input.op === 'verify') {
  results = input.items.map((i) => fromPublic(i.public).verify(unb64(i.data_b64), unb64(i.sig_b64)));
} else if (input.op === 'sign') {
  results = input.items.map((i) => {
    const kp = fromSeed(enc.encode(i.seed));
    return { public: kp.getPublicKey(), sig_b64: b64(kp.sign(unb64(i.data_b64))) };
  });
} else if (input.op === 'create') {
  results = Array.from({ length: input.count }, () => {
    const kp = creators[input.role]();
    return { seed: dec.decode(kp.getSeed()), public: kp.getPublicKey() };
  });
} else {
  throw new Error(`unknown op ${input.op}`);
}
writeAnswer({ results });
