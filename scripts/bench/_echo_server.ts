// Baseline peer of the round-trip benchmark: a plain Deno Unix-socket echo server.
// deno-lint-ignore-file no-console
const path = Deno.args[0]!;
const listener = Deno.listen({ transport: "unix", path });
console.log("ready");
for await (const conn of listener) {
  (async () => {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        let done = 0;
        while (done < n) done += await conn.write(buf.subarray(done, n));
      }
    } catch {
      // The benchmark closed the connection.
    }
    conn.close();
  })();
}
