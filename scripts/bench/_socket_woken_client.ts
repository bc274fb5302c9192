// Floor child of the echo benchmark: a Deno process woken by one byte on a Unix
// socket every millisecond (written by socket_waker.c), doing nothing else.
// Usage: _socket_woken_client.ts PATH
// deno-lint-ignore-file no-console
const conn = await Deno.connect({ transport: "unix", path: Deno.args[0]! });
console.log("ready");
const buffer = new Uint8Array(64);
let bytes = 0;
for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
  bytes += n;
}
if (bytes < 0) console.log(bytes);
