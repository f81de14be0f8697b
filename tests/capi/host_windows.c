#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"

void host_temp_dir(char *out, size_t size, const char *name) {
  char base[MAX_PATH + 1];
  const DWORD length = GetTempPathA(sizeof base, base); /* ends with a backslash */
  unsigned attempt;
  CHECK(length > 0 && length < sizeof base);
  for (attempt = 0; attempt < 100; ++attempt) {
    const unsigned long unique = (GetCurrentProcessId() * 7919UL + GetTickCount() + attempt) % 1000000UL;
    CHECK(snprintf(out, size, "%shvr-capi-%s-%06lu", base, name, unique) < (int)size);
    if (CreateDirectoryA(out, NULL)) return;
    CHECK(GetLastError() == ERROR_ALREADY_EXISTS);
  }
  CHECK(!"no free name for a scratch folder");
}

void host_path(char *out, size_t size, const char *folder, const char *name) {
  CHECK(snprintf(out, size, "%s\\%s", folder, name) < (int)size);
}

void host_mkdir(const char *path) { CHECK(CreateDirectoryA(path, NULL)); }

int host_exists(const char *path) { return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES; }

void host_remove_tree(const char *path) {
  char pattern[MAX_PATH + 3];
  WIN32_FIND_DATAA entry;
  HANDLE found;
  host_path(pattern, sizeof pattern, path, "*");
  found = FindFirstFileA(pattern, &entry);
  CHECK(found != INVALID_HANDLE_VALUE);
  do {
    char child[MAX_PATH + 1];
    if (strcmp(entry.cFileName, ".") == 0 || strcmp(entry.cFileName, "..") == 0) continue;
    host_path(child, sizeof child, path, entry.cFileName);
    if (entry.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
      host_remove_tree(child);
    } else {
      CHECK(DeleteFileA(child));
    }
  } while (FindNextFileA(found, &entry));
  CHECK(GetLastError() == ERROR_NO_MORE_FILES);
  FindClose(found);
  CHECK(RemoveDirectoryA(path));
}

/* Wine's ntdll says which Wine it is; Windows' has no such export (as platform/os_name). */
int host_is_wine(void) {
  const HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

struct host_thread {
  HANDLE handle;
  void (*fn)(void *arg);
  void *arg;
};

static DWORD WINAPI run_thread(LPVOID thread) {
  host_thread *t = (host_thread *)thread;
  t->fn(t->arg);
  return 0;
}

host_thread *host_thread_start(void (*fn)(void *arg), void *arg) {
  host_thread *t = (host_thread *)malloc(sizeof *t);
  CHECK(t != NULL);
  t->fn = fn;
  t->arg = arg;
  t->handle = CreateThread(NULL, 0, run_thread, t, 0, NULL);
  CHECK(t->handle != NULL);
  return t;
}

void host_thread_join(host_thread *thread) {
  CHECK(WaitForSingleObject(thread->handle, INFINITE) == WAIT_OBJECT_0);
  CloseHandle(thread->handle);
  free(thread);
}

void host_sleep_ms(unsigned ms) { Sleep(ms); }
