/* The command of a bundle's config.json (process.args[0]) without parsing
   the rest: enough for the not-a-sandbox fast path, which only ever
   concludes "not a sandbox" from it.  A command the policy names, or a
   document this scan cannot read, goes through the full parse (spec.h),
   which refuses what a runtime would read differently (duplicate keys,
   bad UTF-8).  The scan stops at the first "process" member's first
   "args": a document repeating either key after that point (which no
   engine writes: they encode from structures; a runtime would take the
   last) is judged by the first.  That can only make the hook leave a
   container alone, as a runtime without the hook would; refusing it would
   cost every plain container a read of its whole config.json.  */
#ifndef OCI_SANDBOX_HOOK_SPEC_COMMAND_H
#define OCI_SANDBOX_HOOK_SPEC_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

/* Scan BUF for the top-level object's "process" member and its "args"
   array's first element, stopping there.  True when the scan is
   conclusive: ARG0 (at most ARG0_SIZE bytes with its NUL) then holds the
   command, or is "" when the document has no process, no args or an
   empty list.  False when the document is not an object, is malformed
   before the command, or the command is not a string or does not fit.  */
bool spec_scan_command (const char *buf, size_t len, char *arg0, size_t arg0_size);

#endif
