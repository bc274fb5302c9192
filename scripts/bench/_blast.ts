// Baseline child of the throughput benchmark: writes <count> 24-byte messages (the
// size of a delivered note frame) to a Unix socket in batches of 2000.
// deno-lint-ignore-file no-console
const [path, countText] = Deno.args;
const count = Number(countText);
const conn = await Deno.connect({ transport: "unix", path: path! });
console.log("ready");
const batch = new Uint8Array(24 * 2000);
for (let i = 0; i < count; i += 2000) {
  const n = Math.min(2000, count - i) * 24;
  let done = 0;
  while (done < n) done += await conn.write(batch.subarray(done, n));
}
conn.close();
