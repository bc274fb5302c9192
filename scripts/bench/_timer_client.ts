// Baseline child of the echo and idle benchmarks: a plain Deno process woken by a
// 1 ms interval timer doing nothing, for <seconds> (0: a process that just sleeps).
// deno-lint-ignore-file no-console
const seconds = Number(Deno.args[0]);
console.log("ready");
if (seconds === 0) await new Promise((r) => setTimeout(r, 3_600_000));
let ticks = 0;
const timer = setInterval(() => ticks++, 1);
await new Promise((r) => setTimeout(r, seconds * 1000));
clearInterval(timer);
if (ticks < 0) console.log(ticks);
