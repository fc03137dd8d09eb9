/* libselinux and libcap-ng, loaded where a stage needs them.

   The hook calls three libselinux functions, only for a pod whose
   config.json has linux.mountLabel, and libcap-ng only where it reads its
   capabilities (createRuntime of a sandbox or a pod member, precreate,
   plan).  The default (shared) build links neither: it dlopen()s each there,
   so that the not-a-sandbox fast path and poststop pay neither the loading
   nor the libraries' constructors (docs/performance.md, "The dynamic
   build").  The static builds (--enable-static-deps, --enable-static-binary)
   link both and fill the same tables with the linked functions, so that
   every build runs the same code; linked by lld, they also run each
   library's constructors there instead of at the start of every process
   (src/deferred-constructors.ld).

   A table is owned by the stage that needs it (cleanup_selinux_lib,
   cleanup_capng_lib) and handed down; the library stays loaded until the
   owner's scope ends.  The dynamic build carries an ELF .note.dlopen
   (https://systemd.io/ELF_DLOPEN_METADATA/) naming both sonames, for
   packaging tools.  */
#ifndef OCI_SANDBOX_HOOK_SECURITY_LIBS_H
#define OCI_SANDBOX_HOOK_SECURITY_LIBS_H

#include <cap-ng.h>
#include <selinux/selinux.h>
#include <stdbool.h>

#include "error.h"

#define SELINUX_SONAME "libselinux.so.1"
#define CAPNG_SONAME   "libcap-ng.so.0"

/* The functions have the libraries' own prototypes (typeof their
   declarations), so a call through the table is checked as a direct call
   would be.  */
typedef struct selinux_lib
{
  bool loaded;
  void *handle; /* dlopen()'s, or NULL when linked in */
  __typeof__ (is_selinux_enabled) *is_selinux_enabled;
  __typeof__ (security_check_context) *security_check_context;
  __typeof__ (fsetfilecon) *fsetfilecon;
} selinux_lib;

typedef struct capng_lib
{
  bool loaded;
  void *handle;
  __typeof__ (capng_clear) *capng_clear;
  __typeof__ (capng_update) *capng_update;
  __typeof__ (capng_apply) *capng_apply;
} capng_lib;

#define SELINUX_LIB_INIT                                                                           \
  {                                                                                                \
    .loaded = false                                                                                \
  }
#define CAPNG_LIB_INIT                                                                             \
  {                                                                                                \
    .loaded = false                                                                                \
  }

/* Fill LIB (a no-op when it is already loaded).  A library that cannot be
   loaded, or lacks one of the functions, is an error naming its soname:
   the hook never goes on without a check or a capability drop it was
   built to make.  */
int selinux_lib_load (selinux_lib *lib, hook_error **err);
int capng_lib_load (capng_lib *lib, hook_error **err);

void selinux_lib_unload (selinux_lib *lib);
void capng_lib_unload (capng_lib *lib);
#define cleanup_selinux_lib __attribute__ ((cleanup (selinux_lib_unload)))
#define cleanup_capng_lib   __attribute__ ((cleanup (capng_lib_unload)))

/* An SELinux context to label generated files with, and the loaded
   libselinux that applies it.  */
typedef struct selinux_label
{
  const selinux_lib *lib;
  const char *context;
} selinux_label;

#endif
