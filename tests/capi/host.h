/* What differs between the systems the C tests run on: scratch folders in the system's
 * temporary folder, paths as hvr hands them back, and whether Wine stands in for Windows.
 * A failure fails the program, as CHECK does. */
#ifndef HVR_TESTS_CAPI_HOST_H_
#define HVR_TESTS_CAPI_HOST_H_

#include <stddef.h>

/* A new empty folder named hvr-capi-NAME-xxxxxx in the temporary folder ($TMPDIR or /tmp;
 * GetTempPath on Windows), written to `out`. */
void host_temp_dir(char *out, size_t size, const char *name);

/* `name` in `folder`, joined with the separator of the paths hvr hands back ('\' on
 * Windows), so that the tests can compare them. */
void host_path(char *out, size_t size, const char *folder, const char *name);

/* A new folder at `path`, for the owner only where the system has modes. */
void host_mkdir(const char *path);

/* Whether anything (a file or a folder) is at `path`. */
int host_exists(const char *path);

/* `path` and everything in it. */
void host_remove_tree(const char *path);

/* Whether the program runs under Wine, which lacks some of Windows (docs/windows.md). */
int host_is_wine(void);

/* A thread running `fn(arg)`, for a call that blocks until another call on the main
 * thread answers it; host_thread_join waits for it to end. */
typedef struct host_thread host_thread;
host_thread *host_thread_start(void (*fn)(void *arg), void *arg);
void host_thread_join(host_thread *thread);
void host_sleep_ms(unsigned ms);

#endif /* HVR_TESTS_CAPI_HOST_H_ */
