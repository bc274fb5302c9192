/**
 * Two network namespaces on one bridge, as the test bed's LAN builds them
 * (`tests/_netns.ts`, private to `tests/`): stations 10.77.0.2 and
 * 10.77.0.3/24 on a bridge in a hub namespace. Names follow the test bed's scheme
 * (`msnet-<pid>-<suffix>-<role>`), so that its sweep removes what a killed
 * benchmark leaves behind. Needs root. Private to `scripts/bench/`.
 *
 * @module
 */

/** One namespace of the pair. */
export interface PairEnd {
  netns: string;
  address: string;
}

/** The pair; dispose kills what runs in it and deletes it. */
export interface NetnsPair extends AsyncDisposable {
  a: PairEnd;
  b: PairEnd;
  /** Spawns `argv` inside `end` (stdout piped, stderr inherited). */
  spawn(end: PairEnd, argv: string[]): Deno.ChildProcess;
}

async function ip(args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `Command failed: ip ${args.join(" ")}: ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
}

async function remove(netns: string): Promise<void> {
  const out = await new Deno.Command("ip", {
    args: ["netns", "pids", netns],
    stderr: "null",
  }).output();
  for (const pid of new TextDecoder().decode(out.stdout).split(/\s+/)) {
    if (pid === "") continue;
    try {
      Deno.kill(Number(pid), "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await ip(["netns", "del", netns]).catch(() => {});
}

/** Builds the pair; why it cannot (not root) is thrown as an Error. */
export async function createNetnsPair(): Promise<NetnsPair> {
  if (Deno.uid() !== 0) {
    throw new Error("network namespaces need root");
  }
  const suffix = crypto.randomUUID().slice(0, 4);
  const name = (role: string) => `msnet-${Deno.pid}-${suffix}-${role}`;
  const created: string[] = [];
  const dispose = async () => {
    for (const netns of created.reverse()) await remove(netns);
  };
  try {
    const hub = name("hub");
    await ip(["netns", "add", hub]);
    created.push(hub);
    const bridge = `br-${suffix}`;
    await ip(["-n", hub, "link", "add", bridge, "type", "bridge"]);
    await ip(["-n", hub, "link", "set", bridge, "up"]);
    const ends: PairEnd[] = [];
    for (const i of [1, 2]) {
      const netns = name(`s${i}`);
      await ip(["netns", "add", netns]);
      created.push(netns);
      const inner = `e${i}-${suffix}`, outer = `h${i}-${suffix}`;
      await ip([
        ...["link", "add", "name", inner, "netns", netns, "type", "veth"],
        ...["peer", "name", outer, "netns", hub],
      ]);
      await ip(["-n", hub, "link", "set", outer, "master", bridge, "up"]);
      const address = `10.77.0.${i + 1}`;
      await ip(["-n", netns, "addr", "add", `${address}/24`, "dev", inner]);
      await ip(["-n", netns, "link", "set", inner, "up"]);
      await ip(["-n", netns, "link", "set", "lo", "up"]);
      ends.push({ netns, address });
    }
    return {
      a: ends[0]!,
      b: ends[1]!,
      spawn: (end, argv) =>
        new Deno.Command("ip", {
          args: ["netns", "exec", end.netns, ...argv],
          stdin: "null",
          stdout: "piped",
          stderr: "inherit",
        }).spawn(),
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
