// A NATS peer built on nats.js (the NATS project's own JavaScript client), driven by the .NET tests over stdin/stdout
// (JSON). The NKey seed travels on stdin only.
// Request: {"url","seed","messages":[{"subject","data","jetstream":bool}], "collect": {"subject","count","ms"}?}
// Answer:  {"results":[{"ok":bool,"error":string|null}], "errors":[server errors seen, e.g. permissions violations],
//           "collected":[{"subject","data"}]}
import { connect, nkeyAuthenticator, StringCodec } from 'nats';
import { readRequest, writeAnswer } from './peer-io.mjs';

const input = await readRequest();
const sc = StringCodec();
const nc = await connect({ servers: input.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(input.seed)) });
const errors = [];
(async () => {
  for await (const s of nc.status()) {
    if (s.type === 'error' || s.type === 'pubPermissionViolation' || s.type === 'subPermissionViolation') errors.push(String(s.data?.message ?? s.data));
  }
})();

const collected = [];
let done = Promise.resolve();
if (input.collect) {
  const sub = nc.subscribe(input.collect.subject, { max: input.collect.count });
  done = (async () => {
    const timer = setTimeout(() => sub.unsubscribe(), input.collect.ms);
    try {
      for await (const m of sub) collected.push({ subject: m.subject, data: sc.decode(m.data) });
    } catch (e) {
      errors.push(String(e?.message ?? e)); // e.g. a subscription permissions violation ends the iterator
    }
    clearTimeout(timer);
  })();
  await nc.flush();
}

const results = [];
const js = nc.jetstream();
for (const m of input.messages ?? []) {
  try {
    if (m.jetstream) {
      await js.publish(m.subject, sc.encode(m.data), { timeout: 3000 });
    } else {
      nc.publish(m.subject, sc.encode(m.data));
      await nc.flush();
    }
    results.push({ ok: true, error: null });
  } catch (e) {
    results.push({ ok: false, error: String(e?.message ?? e) });
  }
}

await done;
await nc.flush();
await new Promise((r) => setTimeout(r, 100)); // let a late -ERR arrive
await nc.close();
writeAnswer({ results, errors, collected });
