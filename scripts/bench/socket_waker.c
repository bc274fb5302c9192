/*
 * The floor of the echo benchmark: an ideal server that wakes each of its clients
 * once per millisecond with one byte on a Unix socket, and does nothing else.
 * Usage: socket_waker PATH CLIENTS SECONDS. Prints "ready" once it listens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  const char *path = argv[1];
  int clients = atoi(argv[2]);
  int seconds = atoi(argv[3]);
  int server = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {0};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
  unlink(path);
  if (bind(server, (struct sockaddr *)&addr, sizeof addr) != 0) return 1;
  if (listen(server, clients) != 0) return 1;
  printf("ready\n");
  fflush(stdout);
  int fds[1024];
  for (int i = 0; i < clients && i < 1024; i++) fds[i] = accept(server, 0, 0);
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  char byte = 1;
  for (long tick = 0; tick < (long)seconds * 1000; tick++) {
    next.tv_nsec += 1000000;
    if (next.tv_nsec >= 1000000000) {
      next.tv_nsec -= 1000000000;
      next.tv_sec++;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, 0) == EINTR) {
    }
    for (int i = 0; i < clients; i++) {
      if (write(fds[i], &byte, 1) != 1) return 1;
    }
  }
  for (int i = 0; i < clients; i++) close(fds[i]);
  unlink(path);
  return 0;
}
