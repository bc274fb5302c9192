// A second RtMidi instance in its own process: a JACK client with a virtual output
// port "helper out", sending what standard input asks for.
//   sysex N   a SysEx of N data bytes (i & 0x7F)
//   notes     Note On 60 100, then Note On 60 0, on channel 3
//   realtime  Clock, Start, Active Sensing (bytes RtMidi ignores unless told not to)
// Prints "ready" once its port exists, then "sent" after each command.
// deno-lint-ignore-file no-console
import {
  loadRtMidi,
  RTMIDI_API_UNIX_JACK,
  RtMidiOutput,
} from "../drivers/rtmidi/mod.ts";

const loaded = loadRtMidi();
if (loaded.library === null) throw new Error(loaded.reason);
const out = new RtMidiOutput(loaded.library, RTMIDI_API_UNIX_JACK, "helper");
out.openVirtual("helper out");
console.log("ready");
const decoder = new TextDecoder();
for await (const chunk of Deno.stdin.readable) {
  for (
    const line of decoder.decode(chunk).split("\n").filter((l) => l !== "")
  ) {
    const [command, arg] = line.split(" ");
    if (command === "sysex") {
      const n = Number(arg);
      const bytes = new Uint8Array(n + 2);
      bytes[0] = 0xf0;
      for (let i = 0; i < n; i++) bytes[i + 1] = i & 0x7f;
      bytes[n + 1] = 0xf7;
      out.send(bytes, bytes.length);
    } else if (command === "realtime") {
      for (const byte of [0xf8, 0xfa, 0xfe]) {
        out.send(new Uint8Array([byte]), 1);
      }
    } else if (command === "notes") {
      out.send(new Uint8Array([0x93, 60, 100]), 3);
      out.send(new Uint8Array([0x93, 60, 0]), 3);
    }
    console.log("sent");
  }
}
out.free();
