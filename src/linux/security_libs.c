#include <config.h>

#include <stdint.h>
#include <string.h>

#include "security_libs.h"

/* SECURITY_LIBS_ON_DEMAND comes from configure (the default, shared
   build) and from Makefile.am for the dynamically linked twin that
   valgrind runs.  */
#ifdef SECURITY_LIBS_ON_DEMAND

#include <dlfcn.h>

/* One ELF note per library in .note.dlopen (note type 0x407c0c0a, owner
   "FDO"; the JSON array of https://systemd.io/ELF_DLOPEN_METADATA/): the
   dependencies packaging tools no longer find among DT_NEEDED.  The
   assembler makes a section whose name starts with ".note" an SHT_NOTE.  */
#define DLOPEN_NOTE_TYPE 0x407c0c0aU
#define DLOPEN_NOTE(ident, json)                                                                   \
  __attribute__ ((used, section (".note.dlopen"), aligned (4))) static const struct                \
  {                                                                                                \
    uint32_t n_namesz, n_descsz, n_type;                                                           \
    char name[4];                                                                                  \
    char desc[(sizeof (json) + 3) & ~(size_t)3];                                                   \
  } ident = { 4, sizeof (json), DLOPEN_NOTE_TYPE, "FDO", json }

DLOPEN_NOTE (selinux_note, "[{\"soname\":[\"" SELINUX_SONAME "\"],\"feature\":\"selinux\","
                           "\"description\":\"SELinux labels for the pod's /dev/shm and /etc files "
                           "(linux.mountLabel)\",\"priority\":\"recommended\"}]");
DLOPEN_NOTE (capng_note, "[{\"soname\":[\"" CAPNG_SONAME "\"],\"feature\":\"capabilities\","
                         "\"description\":\"reading and dropping the hook's capabilities before "
                         "it acts on a container\",\"priority\":\"required\"}]");

/* PURPOSE says what the hook needs SONAME for, in errors.  */
static int
open_library (const char *soname, const char *purpose, void **handle, hook_error **err)
{
  /* RTLD_NOW: a library that cannot bind fails here, before the hook has
     done anything, rather than at its first call.  */
  *handle = dlopen (soname, RTLD_NOW | RTLD_LOCAL);
  if (*handle == NULL)
    {
      const char *why = dlerror ();
      return hook_fail (err, 0, "cannot load %s (%s): %s", soname, purpose,
                        why ? why : "dlopen failed");
    }
  return 0;
}

/* Store the address of NAME into SLOT, a function pointer of SIZE bytes
   (POSIX guarantees dlsym's result converts; memcpy says so without a
   cast between object and function pointers).  */
static int
resolve (void *handle, const char *soname, const char *name, void *slot, size_t size,
         hook_error **err)
{
  dlerror ();
  void *address = dlsym (handle, name);
  if (address == NULL)
    {
      const char *why = dlerror ();
      return hook_fail (err, 0, "cannot load %s: %s", soname, why ? why : name);
    }
  memcpy (slot, &address, size);
  return 0;
}

#define RESOLVE(lib, soname, fn)                                                                   \
  resolve ((lib)->handle, soname, #fn, &(lib)->fn, sizeof (lib)->fn, err)

int
selinux_lib_load (selinux_lib *lib, hook_error **err)
{
  if (lib->loaded)
    return 0;
  if (open_library (SELINUX_SONAME, "SELinux labels", &lib->handle, err) < 0)
    return -1;
  if (RESOLVE (lib, SELINUX_SONAME, is_selinux_enabled) < 0
      || RESOLVE (lib, SELINUX_SONAME, security_check_context) < 0
      || RESOLVE (lib, SELINUX_SONAME, fsetfilecon) < 0)
    {
      selinux_lib_unload (lib);
      return -1;
    }
  lib->loaded = true;
  return 0;
}

int
capng_lib_load (capng_lib *lib, hook_error **err)
{
  if (lib->loaded)
    return 0;
  if (open_library (CAPNG_SONAME, "the hook's capabilities", &lib->handle, err) < 0)
    return -1;
  if (RESOLVE (lib, CAPNG_SONAME, capng_clear) < 0 || RESOLVE (lib, CAPNG_SONAME, capng_update) < 0
      || RESOLVE (lib, CAPNG_SONAME, capng_apply) < 0)
    {
      capng_lib_unload (lib);
      return -1;
    }
  lib->loaded = true;
  return 0;
}

static void
close_library (void *handle)
{
  if (handle)
    dlclose (handle);
}

#else /* linked in */

/* The libraries' constructors, which src/deferred-constructors.ld moves
   out of .init_array when lld links a static build: run here, before the
   library's first call, as dlopen() runs them in the default build (a
   stage owns one table of each library, so they run at most once a
   process).  A build linked otherwise has no such sections (the weak
   symbols are null) and ran the constructors at start.  */
typedef void (*library_constructor) (void);
#define DEFERRED_CONSTRUCTORS(name)                                                                \
  extern const library_constructor name##_start[] __attribute__ ((weak, visibility ("hidden")));   \
  extern const library_constructor name##_end[] __attribute__ ((weak, visibility ("hidden")))
DEFERRED_CONSTRUCTORS (deferred_init_libselinux);
DEFERRED_CONSTRUCTORS (deferred_init_libcapng);

static void
run_constructors (const library_constructor *start, const library_constructor *end)
{
  if (start == NULL || end == NULL)
    return;
  for (const library_constructor *c = start; c < end; c++)
    (*c) ();
}

int
selinux_lib_load (selinux_lib *lib, hook_error **err)
{
  if (lib->loaded)
    return 0;
  run_constructors (deferred_init_libselinux_start, deferred_init_libselinux_end);
  lib->is_selinux_enabled = is_selinux_enabled;
  lib->security_check_context = security_check_context;
  lib->fsetfilecon = fsetfilecon;
  lib->loaded = true;
  return 0;
}

int
capng_lib_load (capng_lib *lib, hook_error **err)
{
  if (lib->loaded)
    return 0;
  run_constructors (deferred_init_libcapng_start, deferred_init_libcapng_end);
  lib->capng_clear = capng_clear;
  lib->capng_update = capng_update;
  lib->capng_apply = capng_apply;
  lib->loaded = true;
  return 0;
}

static void
close_library (void *handle)
{
}

#endif

void
selinux_lib_unload (selinux_lib *lib)
{
  close_library (lib->handle);
  *lib = (selinux_lib)SELINUX_LIB_INIT;
}

void
capng_lib_unload (capng_lib *lib)
{
  close_library (lib->handle);
  *lib = (capng_lib)CAPNG_LIB_INIT;
}
