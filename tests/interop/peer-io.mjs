// Shared by the peers: read one JSON request from stdin, write one JSON answer to stdout.
export async function readRequest() {
  let data = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) data += chunk;
  return JSON.parse(data);
}

export function writeAnswer(answer) {
  process.stdout.write(JSON.stringify(answer));
}
