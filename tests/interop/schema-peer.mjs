// A JSON Schema peer built on Ajv (with ajv-formats), driven by the .NET tests over stdin/stdout (JSON): checks
// documents against the schemas in docs/fleet-wire with a validator that is not ours.
// Request: {"schemas":{"name":schema,...},"documents":[{"schema":"name","document":{...}}...]}
// Answer:  {"results":[{"valid":bool,"errors":[string...]}...]}
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readRequest, writeAnswer } from './peer-io.mjs';

const input = await readRequest();
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validators = Object.fromEntries(Object.entries(input.schemas).map(([name, schema]) => [name, ajv.compile(schema)]));
const results = input.documents.map((d) => {
  const validate = validators[d.schema];
  const valid = validate(d.document);
  return { valid, errors: valid ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`) };
});
writeAnswer({ results });
