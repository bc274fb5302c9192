// Integration: another user cannot reach a request ring. The server runs as a
// victim user, under the most permissive umask, on a socket in a directory others
// may enter; a ring is offered to a client of the victim. The attacker can neither
// open the ring's memory file through its /proc path nor connect to the kernel's
// socket, while the victim can (the probe itself works).

import assert from "node:assert/strict";
import { isListening, terminate, waitFor } from "./_harness.ts";
import { readLines } from "./_line_reader.ts";
import type { SharedRingOffer } from "@midishare/transport/shared_ring";
import {
  createUsers,
  skipWithoutRoot,
  type TestUser,
  type UserWorld,
} from "./_users.ts";

/**
 * A program for `deno eval` that tries to open `offer`'s memory file (for reading
 * and writing, then for reading) and to connect to its socket; prints one JSON line
 * with "ok" or the error's name for each.
 */
function probe(offer: SharedRingOffer): string {
  return `
    const attempt = async (what) => {
      try {
        (await what()).close();
        return "ok";
      } catch (error) {
        return error.name;
      }
    };
    const memory = ${JSON.stringify(offer.memory)};
    console.log(JSON.stringify({
      readWrite: await attempt(() => Deno.open(memory, { read: true, write: true })),
      read: await attempt(() => Deno.open(memory, { read: true })),
      socket: await attempt(() =>
        Deno.connect({ transport: "unix", path: ${
    JSON.stringify(offer.socket)
  } })
      ),
    }));`;
}

/** Runs {@link probe} as `user`; what it found. */
async function probeAs(
  world: UserWorld,
  user: TestUser,
  offer: SharedRingOffer,
): Promise<Record<string, string>> {
  const run = await world.run(user, ["eval", probe(offer)], {
    timeoutMs: 60_000,
  });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** A directory `owner` owns that everyone may enter and nobody else may write. */
async function openDirectory(owner: TestUser): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "midishare-ring-users-" });
  await Deno.chown(dir, owner.uid, owner.gid);
  await Deno.chmod(dir, 0o755);
  return dir;
}

const NAME =
  "another user can neither open a ring's memory file nor connect to the kernel's socket";
Deno.test({
  name: NAME,
  ignore: skipWithoutRoot(NAME),
  fn: async () => {
    await using world = await createUsers(2);
    const [victim, attacker] = world.users as [TestUser, TestUser];
    const dir = await openDirectory(victim);
    const socketPath = `${dir}/ms.sock`;
    const server = world.spawn(
      victim,
      [
        "run",
        "-A",
        "--no-lock",
        "main.ts",
        "serve",
        "--persist",
        "--midi-api",
        "off",
        "--socket",
        socketPath,
      ],
      {},
      "000",
    );
    const serverOutput = readLines(server);
    let client: { child: Deno.ChildProcess; ended: Promise<void> } | null =
      null;
    try {
      await waitFor(() => isListening(socketPath), "the server", 60_000)
        .catch((error) => {
          throw new Error(`${error.message}: ${serverOutput.stderr()}`);
        });
      const child = world.spawn(victim, [
        "run",
        "-A",
        "--no-lock",
        "tests/_ring_intruder.ts",
        socketPath,
        "offer",
      ]);
      const clientOutput = readLines(child);
      client = { child, ended: clientOutput.ended };
      const { offer } = await clientOutput.waitJson<
        { offer: SharedRingOffer }
      >("the offer of a ring", { timeoutMs: 60_000 });
      assert.match(offer.memory, /^\/proc\/\d+\/fd\/\d+$/);

      assert.deepEqual(
        await probeAs(world, victim, offer),
        { readWrite: "ok", read: "ok", socket: "ok" },
        "the victim's own probe",
      );
      assert.deepEqual(
        await probeAs(world, attacker, offer),
        {
          readWrite: "PermissionDenied",
          read: "PermissionDenied",
          socket: "PermissionDenied",
        },
        "the attacker's probe",
      );
    } finally {
      if (client !== null) {
        await client.child.stdin.close().catch(() => {});
        await terminate(client.child, 2000);
        await client.ended;
      }
      await terminate(server);
      await serverOutput.ended;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
