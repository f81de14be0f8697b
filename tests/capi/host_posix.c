#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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
