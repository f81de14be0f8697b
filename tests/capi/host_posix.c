#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "host.h"

void host_temp_dir(char *out, size_t size, const char *name) {
  const char *base = getenv("TMPDIR");
  CHECK(snprintf(out, size, "%s/hvr-capi-%s-XXXXXX", base && *base ? base : "/tmp", name) < (int)size);
  CHECK(mkdtemp(out) != NULL);
}

void host_path(char *out, size_t size, const char *folder, const char *name) {
  CHECK(snprintf(out, size, "%s/%s", folder, name) < (int)size);
}

void host_mkdir(const char *path) { CHECK(mkdir(path, 0700) == 0); }

int host_exists(const char *path) { return access(path, F_OK) == 0; }

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *where) {
  (void)info;
  (void)type;
  (void)where;
  return remove(path);
}

void host_remove_tree(const char *path) { CHECK(nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0); }

int host_is_wine(void) { return 0; }

struct host_thread {
  pthread_t id;
  void (*fn)(void *arg);
  void *arg;
};

static void *run_thread(void *thread) {
  host_thread *t = (host_thread *)thread;
  t->fn(t->arg);
  return NULL;
}

host_thread *host_thread_start(void (*fn)(void *arg), void *arg) {
  host_thread *t = (host_thread *)malloc(sizeof *t);
  CHECK(t != NULL);
  t->fn = fn;
  t->arg = arg;
  CHECK(pthread_create(&t->id, NULL, run_thread, t) == 0);
  return t;
}

void host_thread_join(host_thread *thread) {
  CHECK(pthread_join(thread->id, NULL) == 0);
  free(thread);
}

void host_sleep_ms(unsigned ms) {
  struct timespec wait;
  wait.tv_sec = ms / 1000;
  wait.tv_nsec = (long)(ms % 1000) * 1000000L;
  CHECK(nanosleep(&wait, NULL) == 0);
}
