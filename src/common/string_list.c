#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "string_list.h"

int
string_list_take (string_list *l, char *s)
{
  char **grown;

  if (s == NULL)
    {
      errno = ENOMEM;
      return -1;
    }
  grown = reallocarray (l->items, l->n + 1, sizeof *grown);
  if (grown == NULL)
    {
      free (s);
      errno = ENOMEM;
      return -1;
    }
  l->items = grown;
  l->items[l->n++] = s;
  return 0;
}

void
string_list_clear (string_list *l)
{
  free_strings (l->items, l->n);
  l->items = NULL;
  l->n = 0;
}
