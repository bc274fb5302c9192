// A socket planted by another user: listens on the given path (creating its
// directory), lets anyone connect, and records what each connection sends, one JSON
// line per connection, in the record file. It never answers. Prints "ready" once it
// listens. Private to `tests/`.
//
// Usage: deno run -A tests/_fake_server.ts <socket path> <record file>

// A test helper process reports on standard output by design.
// deno-lint-ignore-file no-console

const [path, recordPath] = Deno.args;
if (path === undefined || recordPath === undefined) {
  console.error("usage: _fake_server.ts <socket path> <record file>");
  Deno.exit(2);
}
const dir = path.slice(0, path.lastIndexOf("/"));
await Deno.mkdir(dir, { recursive: true, mode: 0o755 });
await Deno.writeTextFile(recordPath, "", { mode: 0o644 });
const listener = Deno.listen({ transport: "unix", path });
await Deno.chmod(path, 0o777);
console.log("ready");

for await (const conn of listener) {
  (async () => {
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf).catch(() => null);
    const bytes = n === null ? new Uint8Array() : buf.subarray(0, n);
    const line = JSON.stringify({
      bytes: bytes.length,
      // The HELLO holds the client's name: printable, so a reader sees it.
      text: String.fromCharCode(...bytes).replace(/[^\x20-\x7e]/g, "."),
    });
    await Deno.writeTextFile(recordPath, `${line}\n`, { append: true });
    conn.close();
  })();
}
