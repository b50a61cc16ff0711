// The reference MCP server, @modelcontextprotocol/server-everything, run by its own streamable HTTP launcher
// (dist/transports/streamableHttp.js: express, the official TypeScript SDK's StreamableHTTPServerTransport, sessions,
// POST/GET/DELETE /mcp) on the port in PORT. The launcher listens on every interface; the tests' servers bind
// 127.0.0.1 only, so the one listen call it makes is given that host. Nothing else of the launcher is changed.
import http from "node:http";

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (port, ...rest) {
  const callback = rest.find((a) => typeof a === "function");
  return listen.call(this, port, "127.0.0.1", callback);
};

await import("@modelcontextprotocol/server-everything/dist/transports/streamableHttp.js");
