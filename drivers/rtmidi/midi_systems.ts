/**
 * Whether the MIDI systems RtMidi can use are there, found without RtMidi: a failed
 * RtMidi JACK device costs a connection attempt in the tick thread and several lines
 * that libjack prints on stderr, so the driver asks these first and tries RtMidi only
 * when they say yes.
 *
 * Cheap (one `stat` each) and silent. Needs read permission on the paths; without it
 * they answer yes and leave the decision to RtMidi.
 *
 * @module
 */

/** Whether the ALSA sequencer device exists. */
export function alsaSequencerExists(): boolean {
  return pathExists("/dev/snd/seq") !== false;
}

/**
 * Whether a JACK server may answer for the server name libjack uses
 * (`JACK_DEFAULT_SERVER`, else "default"): the JACK2 or JACK1 server socket in
 * `/dev/shm`, or a PipeWire daemon (whose libjack serves JACK clients).
 */
export function jackServerMayRun(): boolean {
  const env = (name: string) => Deno.env.get(name) || undefined;
  const server = env("JACK_DEFAULT_SERVER") ?? "default";
  const uid = Deno.uid() ?? 0;
  // JACK2's server socket, then JACK1's.
  if (pathExists(`/dev/shm/jack_${server}_${uid}_0`) !== false) return true;
  if (pathExists(`/dev/shm/jack-${uid}/${server}/jack_0`) !== false) {
    return true;
  }
  const runtime = env("PIPEWIRE_RUNTIME_DIR") ?? env("XDG_RUNTIME_DIR");
  if (runtime === undefined) return false;
  const remote = env("PIPEWIRE_REMOTE") ?? "pipewire-0";
  return pathExists(`${runtime}/${remote}`) !== false;
}

/** True or false when known; null when the path cannot be read. */
function pathExists(path: string): boolean | null {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? false : null;
  }
}
