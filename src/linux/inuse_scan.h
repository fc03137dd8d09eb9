/* The host's runtime state below --root, read for uninstall: which live
   containers still name what the install put in PREFIX (decide/inuse.h
   says where engines keep that state and what each file holds).

   Every file is untrusted input, read by fd: each location is opened once
   inside the root (RESOLVE_IN_ROOT, as the host would find it), and
   everything below it without following any symlink; at most
   INUSE_MAX_ENTRIES entries of a directory and INUSE_MAX_FILES files in
   all are read, each file looked at before it is opened (a device node or
   a FIFO never is) and bounded.  What vanishes meanwhile (a container
   deleted during the scan) is not in use; what cannot be read or parsed
   (a symlink, an oversized or damaged file, a directory with too many
   entries, an error) counts as in use, naming the file and why: keeping
   an inert binary is the safe side.  Only running out of memory is an
   error.  */
#ifndef OCI_SANDBOX_HOOK_INUSE_SCAN_H
#define OCI_SANDBOX_HOOK_INUSE_SCAN_H

#include "error.h"
#include "inuse.h"

/* Add to USERS every live container of LOC's locations whose state names
   a path below PREFIX, or a path that is the installed binary
   (PREFIX/BINARY_NAME) through a symlink of the host (a prefix below
   /usr/local where /usr/local is a link, as the wrapper's own
   /proc/self/exe names it).  */
int inuse_scan (int root_fd, const inuse_locations *loc, const char *prefix,
                const char *binary_name, inuse_users *users, hook_error **err);

#endif
