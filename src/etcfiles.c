#include <config.h>

#include "cleanup.h"
#include "etcfiles.h"
#include "safepath.h"

int
etcfile_install (int hook_dir_fd, const char *name, const char *content, size_t len,
                 const char *source_path, const char *label, hook_error **err)
{
  cleanup_free char *copy = NULL;

  if (content == NULL)
    {
      if (read_regular_file (source_path, ETCFILE_SOURCE_MAX, &copy, &len, err) < 0)
        return -1;
      content = copy;
    }
  return write_file_atomic (hook_dir_fd, name, content, len, label, err);
}
