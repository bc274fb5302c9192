/*
 * Baseline of the RtMidi benchmark: the thinnest MIDI pass-through JACK allows. A
 * client "thru" copies every event of its input port to its output port inside the
 * JACK process callback, at the same frame. Built by scripts/bench/rtmidi_loop.ts.
 */
#include <jack/jack.h>
#include <jack/midiport.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static jack_port_t *in_port, *out_port;
static volatile int running = 1;

static int process(jack_nframes_t frames, void *arg) {
  (void)arg;
  void *in = jack_port_get_buffer(in_port, frames);
  void *out = jack_port_get_buffer(out_port, frames);
  jack_midi_clear_buffer(out);
  jack_nframes_t count = jack_midi_get_event_count(in);
  for (jack_nframes_t i = 0; i < count; i++) {
    jack_midi_event_t event;
    if (jack_midi_event_get(&event, in, i) == 0) {
      jack_midi_event_write(out, event.time, event.buffer, event.size);
    }
  }
  return 0;
}

static void stop(int sig) { (void)sig; running = 0; }

int main(void) {
  jack_client_t *client = jack_client_open("thru", JackNoStartServer, NULL);
  if (client == NULL) { fprintf(stderr, "thru: no JACK server\n"); return 1; }
  in_port = jack_port_register(client, "in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
  out_port = jack_port_register(client, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
  jack_set_process_callback(client, process, NULL);
  if (jack_activate(client)) { fprintf(stderr, "thru: cannot activate\n"); return 1; }
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  printf("ready\n");
  fflush(stdout);
  while (running) usleep(100000);
  jack_client_close(client);
  return 0;
}
