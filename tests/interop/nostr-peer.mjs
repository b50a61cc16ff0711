// A Nostr peer built on nostr-tools, driven by the .NET tests over stdin/stdout (JSON).
// Requests: {"op":"verify","events":[event...]}            -> {"results":[true|false...]}
//           {"op":"sign","sk":"<hex>","templates":[{kind,created_at,tags,content}...]} -> {"pubkey":"<hex>","events":[event...]}
import { finalizeEvent, verifyEvent, getPublicKey } from 'nostr-tools/pure';
import { hexToBytes } from '@noble/hashes/utils.js';
import { readRequest, writeAnswer } from './peer-io.mjs';

const input = await readRequest();

let output;
if (input.op === 'verify') {
  output = { results: input.events.map((e) => verifyEvent({ ...e })) };
} else if (input.op === 'sign') {
  const sk = hexToBytes(input.sk);
  output = { pubkey: getPublicKey(sk), events: input.templates.map((t) => finalizeEvent({ ...t }, sk)) };
} else {
  throw new Error(`unknown op ${input.op}`);
}
writeAnswer(output);
