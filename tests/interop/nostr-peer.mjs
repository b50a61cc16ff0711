// A Nostr peer built on nostr-tools, driven by the .NET tests over stdin/stdout (JSON).
// Requests: {"op":"verify","events":[event...]}            -> {"results":[true|false...]}
//           {"op":"sign","sk":"<hex>","templates":[{kind,created_at,tags,content}...]} -> {"pubkey":"<hex>","events":[event...]}
//           {"op":"schnorr-sign","sk":"<hex>","messages":["<hex>"...]}  -> {"pubkey":"<hex>","signatures":["<hex>"...]}
//           {"op":"schnorr-verify","pubkey":"<hex>","items":[{"message":"<hex>","signature":"<hex>"}...]} -> {"results":[...]}
//           {"op":"nip19-encode","profiles":[{pubkey,relays}],"events":[{id,relays,author,kind}],"addresses":[{identifier,pubkey,kind,relays}]}
//                                                               -> {"nprofile":[...],"nevent":[...],"naddr":[...]}
// The schnorr ops are BIP-340 over messages of any length, by @noble/curves (the curve library nostr-tools uses).
import { finalizeEvent, verifyEvent, getPublicKey } from 'nostr-tools/pure';
import * as nip19 from 'nostr-tools/nip19';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { readRequest, writeAnswer } from './peer-io.mjs';

const input = await readRequest();

let output;
if (input.op === 'verify') {
  output = { results: input.events.map((e) => verifyEvent({ ...e })) };
} else if (input.op === 'sign') {
  const sk = hexToBytes(input.sk);
  output = { pubkey: getPublicKey(sk), events: input.templates.map((t) => finalizeEvent({ ...t }, sk)) };
} else if (input.op === 'schnorr-sign') {
  const sk = hexToBytes(input.sk);
  output = { pubkey: bytesToHex(schnorr.getPublicKey(sk)), signatures: input.messages.map((m) => bytesToHex(schnorr.sign(hexToBytes(m), sk))) };
} else if (input.op === 'schnorr-verify') {
  const pk = hexToBytes(input.pubkey);
  output = { results: input.items.map((i) => schnorr.verify(hexToBytes(i.signature), hexToBytes(i.message), pk)) };
} else if (input.op === 'nip19-encode') {
  output = {
    nprofile: input.profiles.map((p) => nip19.nprofileEncode(p)),
    nevent: input.events.map((e) => nip19.neventEncode(e)),
    naddr: input.addresses.map((a) => nip19.naddrEncode(a)),
  };
} else {
  throw new Error(`unknown op ${input.op}`);
}
writeAnswer(output);
